using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Internal;
using GrpcTranslator = LeaPformer.Contracts.V1.Translator;

namespace LeaPformer.Server.Services;

/// <summary>The leapformer.v1.Translator gRPC service (protos/leapformer/v1/translation.proto).</summary>
internal sealed class TranslatorService(
    TranslationCallFactory calls,
    ModelInfoSource info,
    ILogger<TranslatorService> logger)
    : GrpcTranslator.TranslatorBase
{
    public override Task StreamingTranslate(
        IAsyncStreamReader<StreamingTranslateRequest> requestStream,
        IServerStreamWriter<StreamingTranslateResponse> responseStream,
        ServerCallContext context)
        => calls.Create(logger, context).RunAsync(requestStream, responseStream);

    public override Task<ModelInfo> GetModelInfo(GetModelInfoRequest request, ServerCallContext context)
        => Task.FromResult(info.Current());
}
