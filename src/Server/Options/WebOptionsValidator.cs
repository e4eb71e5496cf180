using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Options;

/// <summary>Refuses at start: a Web:Url that is no http(s) URL, an allowed origin that is no origin, a keep-alive below zero.</summary>
internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Url) && !IsHttpUrl(options.Url))
        {
            failures.Add($"Web:Url must be an http:// or https:// URL (or empty: the demo on every endpoint), not '{options.Url}'.");
        }

        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            var origin = options.AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                failures.Add($"Web:AllowedOrigins:{i} must be an origin such as https://demo.example.org or http://localhost:3000, not '{origin}'.");
            }
        }

        if (options.KeepAliveInterval < TimeSpan.Zero)
        {
            failures.Add($"Web:KeepAliveInterval must be 0 (no pings) or more, not {options.KeepAliveInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string url)
    {
        // Kestrel's wildcards (http://*:8080, http://+:8080) are no valid Uri hosts.
        var normalized = url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
    }
}
