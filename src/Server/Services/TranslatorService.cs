using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Internal;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;
using GrpcTranslator = LeaPformer.Contracts.V1.Translator;

namespace LeaPformer.Server.Services;

/// <summary>The leapformer.v1.Translator gRPC service (protos/leapformer/v1/translation.proto).</summary>
internal sealed class TranslatorService(
    LoadedModel model,
    SessionFactory sessions,
    SessionDecoder decoder,
    StreamLimiter limiter,
    ShutdownCoordinator shutdown,
    ServerMetrics metrics,
    ModelReadiness readiness,
    ApiKeyRegistry keys,
    IOptions<StreamingOptions> options,
    ILogger<TranslatorService> logger)
    : GrpcTranslator.TranslatorBase
{
    public override Task StreamingTranslate(
        IAsyncStreamReader<StreamingTranslateRequest> requestStream,
        IServerStreamWriter<StreamingTranslateResponse> responseStream,
        ServerCallContext context)
        => new TranslationCall(model, sessions, decoder, limiter, shutdown, metrics, options.Value, logger, context).RunAsync(requestStream, responseStream);

    public override Task<ModelInfo> GetModelInfo(GetModelInfoRequest request, ServerCallContext context)
        => Task.FromResult(ResponseFactory.Info(model, options.Value, sessions, keys.Enabled, readiness.IsReady && !shutdown.IsStopping));
}
