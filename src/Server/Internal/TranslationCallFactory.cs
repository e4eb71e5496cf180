using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Internal;

/// <summary>
/// Makes the <see cref="TranslationCall"/> of one stream, with the server's shared parts, for both
/// transports: gRPC's StreamingTranslate and the web demo's WebSocket bridge.
/// </summary>
internal sealed class TranslationCallFactory(
    LoadedModel model,
    SessionFactory sessions,
    SessionDecoder decoder,
    StreamLimiter limiter,
    ShutdownCoordinator shutdown,
    ServerMetrics metrics,
    IOptions<StreamingOptions> options)
{
    public TranslationCall Create(ILogger logger, Grpc.Core.ServerCallContext context)
        => new(model, sessions, decoder, limiter, shutdown, metrics, options.Value, logger, context);
}
