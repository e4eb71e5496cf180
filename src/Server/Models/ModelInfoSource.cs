using LeaPformer.Contracts.V1;
using LeaPformer.Server.Auth;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Models;

/// <summary>What GetModelInfo and the web demo's /api/model-info report: the model, the limits, endpointing, keys, readiness.</summary>
internal sealed class ModelInfoSource(
    LoadedModel model,
    SessionFactory sessions,
    ModelReadiness readiness,
    ShutdownCoordinator shutdown,
    ApiKeyRegistry keys,
    IOptions<StreamingOptions> streaming)
{
    /// <summary>The info as of now: ready once warmed up and until shutdown begins.</summary>
    public ModelInfo Current()
        => ResponseFactory.Info(model, streaming.Value, sessions, keys.Enabled, readiness.IsReady && !shutdown.IsStopping);
}
