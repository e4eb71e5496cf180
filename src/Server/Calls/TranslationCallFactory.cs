using LeaPformer.Server.Hosting;
using LeaPformer.Server.Models;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Calls;

/// <summary>The server's parts every call shares: the model, its sessions and decoding, the stream limit, shutdown, metrics.</summary>
internal sealed record CallServices(
    LoadedModel Model,
    SessionFactory Sessions,
    SessionDecoder Decoder,
    StreamLimiter Limiter,
    ShutdownCoordinator Shutdown,
    ServerMetrics Metrics);

/// <summary>Makes the <see cref="TranslationCall"/> of one stream, for both transports: gRPC and the WebSocket bridge.</summary>
internal sealed class TranslationCallFactory(CallServices services, IOptions<StreamingOptions> options)
{
    public TranslationCall Create(ILogger logger, CallTransport transport) => new(services, options.Value, logger, transport);
}
