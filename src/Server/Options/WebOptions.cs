namespace LeaPformer.Server.Options;

/// <summary>
/// The browser demo (configuration section "Web"): the page, <c>/api/model-info</c> and the
/// <c>/ws/translate</c> WebSocket. Browsers speak HTTP/1.1 to a cleartext port, and Kestrel's
/// cleartext gRPC port speaks HTTP/2 alone (h2c), so the demo gets an HTTP/1.1 endpoint of its own.
/// </summary>
public sealed class WebOptions
{
    public const string SectionName = "Web";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where the demo is served (a Kestrel endpoint named "Web", HTTP/1.1); only requests arriving
    /// on this port see it. Empty = no endpoint of its own: the demo answers on every endpoint
    /// (for a TLS endpoint with Http1AndHttp2, where one port serves gRPC and browsers).
    /// Browsers allow the microphone only in a secure context: http://localhost or 127.0.0.1, else https.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// Origins (e.g. "https://demo.example.org") whose pages may open the WebSocket, besides the
    /// server's own. A browser sends its page's Origin with every WebSocket handshake; refusing
    /// foreign ones stops any site a user visits from using the server through that user's browser
    /// (cross-site WebSocket hijacking). Clients that send no Origin (not browsers) are not affected.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Interval of WebSocket pings that keep idle proxies from dropping a quiet connection.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);
}
