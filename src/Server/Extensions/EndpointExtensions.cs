using LeaPformer.Server.Options;

namespace LeaPformer.Server.Extensions;

internal static class EndpointExtensions
{
    public const string MetricsEndpointName = "Metrics";

    public const string WebEndpointName = "Web";

    /// <summary>
    /// Where Kestrel listens. gRPC: <c>--urls</c>, ASPNETCORE_URLS or <c>Kestrel:Endpoints</c> as usual,
    /// else <see cref="TranslationServiceExtensions.DefaultUrl"/>, with the protocols of
    /// <c>Kestrel:EndpointDefaults</c> (HTTP/2). Prometheus: a named HTTP/1.1 endpoint "Metrics" at
    /// Metrics:Url, unless Kestrel:Endpoints:Metrics is configured already or Metrics:Url is empty.
    /// The browser demo: likewise a named HTTP/1.1 endpoint "Web" at Web:Url (browsers cannot speak
    /// h2c, and a WebSocket needs HTTP/1.1 there); an https Web:Url also offers HTTP/2.
    /// </summary>
    /// <remarks>
    /// Kestrel ignores "urls" once any Kestrel:Endpoints exist, so when the metrics endpoint is
    /// added, the urls are carried over as named endpoints ("Grpc", "Grpc1", ...).
    /// </remarks>
    public static void ConfigureEndpoints(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var endpoints = configuration.GetSection("Kestrel:Endpoints");
        var metrics = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        var metricsUrl = metrics.Enabled && !string.IsNullOrWhiteSpace(metrics.Url) ? metrics.Url : null;
        var web = configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
        var webUrl = web.Enabled && !string.IsNullOrWhiteSpace(web.Url) ? web.Url : null;
        var urls = configuration["urls"];
        if (string.IsNullOrEmpty(urls))
        {
            urls = TranslationServiceExtensions.DefaultUrl;
        }

        if (!endpoints.Exists())
        {
            if (metricsUrl is null && webUrl is null)
            {
                // 50051 is gRPC's customary port and the client's default. (An appsettings "Urls"
                // would override ASPNETCORE_URLS, so the default is set here.)
                configuration["urls"] = urls;
            }
            else
            {
                var names = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < names.Length; i++)
                {
                    configuration[$"Kestrel:Endpoints:Grpc{(i == 0 ? "" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}:Url"] = names[i];
                }

                // Carried over, so nothing must be left for Kestrel to override and warn about ("Overriding
                // address(es)", at every start). An empty "urls" is not enough: the host then falls back to
                // the urls it read when the builder was made (--urls, ASPNETCORE_URLS), and to HTTP_PORTS.
                // ";" is a non-empty list of no addresses.
                configuration["urls"] = ";";
                configuration["http_ports"] = "";
                configuration["https_ports"] = "";
            }
        }

        if (metricsUrl is not null && !configuration.GetSection($"Kestrel:Endpoints:{MetricsEndpointName}").Exists())
        {
            configuration[$"Kestrel:Endpoints:{MetricsEndpointName}:Url"] = metricsUrl;
            configuration[$"Kestrel:Endpoints:{MetricsEndpointName}:Protocols"] = "Http1";
        }

        if (webUrl is not null)
        {
            // Whatever Kestrel:Endpoints:Web already says wins (e.g. its Certificate for an https Web:Url).
            var endpoint = $"Kestrel:Endpoints:{WebEndpointName}";
            configuration[$"{endpoint}:Url"] ??= webUrl;
            configuration[$"{endpoint}:Protocols"] ??=
                configuration[$"{endpoint}:Url"]!.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "Http1AndHttp2" : "Http1";
        }
    }

    /// <summary>The port of Metrics:Url (or of Kestrel:Endpoints:Metrics:Url); null when unknown or 0 (dynamic).</summary>
    public static int? MetricsPort(IConfiguration configuration, MetricsOptions metrics)
        => EndpointPort(configuration[$"Kestrel:Endpoints:{MetricsEndpointName}:Url"] ?? metrics.Url);

    /// <summary>The port of Web:Url (or of Kestrel:Endpoints:Web:Url); null when unknown or 0 (dynamic).</summary>
    public static int? WebPort(IConfiguration configuration, WebOptions web)
        => EndpointPort(configuration[$"Kestrel:Endpoints:{WebEndpointName}:Url"] ?? web.Url);

    private static int? EndpointPort(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        // Kestrel's wildcards (http://*:9464, http://+:9464) are no valid Uri hosts.
        var normalized = url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri.Port : null;
    }
}
