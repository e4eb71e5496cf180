using System.ComponentModel.DataAnnotations;

namespace LeaPformer.Server.Options;

/// <summary>
/// Prometheus metrics (configuration section "Metrics"). They are served over HTTP/1.1 on an
/// endpoint of their own, because Kestrel serves cleartext HTTP/2 (gRPC's h2c) only on
/// endpoints that speak HTTP/2 alone: an Http1AndHttp2 endpoint without TLS falls back to HTTP/1.1.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where /metrics is served (a Kestrel endpoint named "Metrics", HTTP/1.1). Only requests
    /// arriving on this port see /metrics. Empty = no endpoint of its own: /metrics is mapped
    /// on every endpoint (for deployments whose Kestrel:Endpoints already speak HTTP/1.1, e.g. TLS).
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:9464";

    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "/metrics";
}
