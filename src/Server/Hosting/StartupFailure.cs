using System.Text.RegularExpressions;
using LeaPformer.Server.Extensions;
using Microsoft.AspNetCore.Connections;

namespace LeaPformer.Server.Hosting;

/// <summary>Why the server could not start, as one sentence that says what to do.</summary>
internal static partial class StartupFailure
{
    public static string Describe(Exception exception, IConfiguration configuration)
    {
        // Kestrel: IOException "Failed to bind to address http://127.0.0.1:8080: address already in use."
        // Its address is the endpoint's own, so its port tells which setting moves it. 8080 (the web page)
        // is a port many other programs take.
        if (exception is IOException { InnerException: AddressInUseException }
            && BindAddress().Match(exception.Message) is { Success: true } match
            && Uri.TryCreate(match.Groups["url"].Value.Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var address))
        {
            var setting = SettingFor(address.Port, configuration);
            return $"{exception.Message} Another process listens on port {address.Port}: stop it, or give {setting} another port " +
                "(./run.sh chooses free ports itself).";
        }

        return exception.Message;
    }

    /// <summary>The option that sets the endpoint on <paramref name="port"/>.</summary>
    private static string SettingFor(int port, IConfiguration configuration)
    {
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var url = endpoint["Url"]?.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Port != port)
            {
                continue;
            }

            return endpoint.Key switch
            {
                EndpointExtensions.WebEndpointName => "the web page (--Web:Url=http://127.0.0.1:PORT)",
                EndpointExtensions.MetricsEndpointName => "the metrics endpoint (--Metrics:Url=http://127.0.0.1:PORT)",
                _ when endpoint.Key.StartsWith("Grpc", StringComparison.Ordinal) => "gRPC (--urls http://127.0.0.1:PORT)",
                _ => $"Kestrel:Endpoints:{endpoint.Key}:Url",
            };
        }

        return "that endpoint";
    }

    [GeneratedRegex(@"address (?<url>\S+?): address already in use", RegexOptions.CultureInvariant)]
    private static partial Regex BindAddress();
}
