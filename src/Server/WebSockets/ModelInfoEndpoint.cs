using Google.Protobuf;
using LeaPformer.Server.Internal;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// <c>GET /api/model-info</c>: GetModelInfo's ModelInfo in protobuf's JSON mapping, every field
/// written (the page reads the k range and default, the source unit, whether a key is needed, readiness).
/// </summary>
internal sealed class ModelInfoEndpoint(
    LoadedModel model,
    SessionFactory sessions,
    ModelReadiness readiness,
    ShutdownCoordinator shutdown,
    ApiKeyRegistry keys,
    IOptions<StreamingOptions> streaming)
{
    public const string Path = "/api/model-info";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public Task HandleAsync(HttpContext http)
    {
        var info = ResponseFactory.Info(model, streaming.Value, sessions, keys.Enabled, readiness.IsReady && !shutdown.IsStopping);
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(Formatter.Format(info), http.RequestAborted);
    }
}
