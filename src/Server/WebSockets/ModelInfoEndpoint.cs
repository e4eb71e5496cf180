using Google.Protobuf;
using LeaPformer.Server.Models;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// <c>GET /api/model-info</c>: GetModelInfo's ModelInfo in protobuf's JSON mapping, every field
/// written (the page reads the k range and default, the source unit, whether a key is needed, readiness).
/// </summary>
internal sealed class ModelInfoEndpoint(ModelInfoSource source)
{
    public const string Path = "/api/model-info";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public Task HandleAsync(HttpContext http)
    {
        var info = source.Current();
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(Formatter.Format(info), http.RequestAborted);
    }
}
