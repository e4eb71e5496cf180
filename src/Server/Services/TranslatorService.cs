using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Models;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Services;

/// <summary>
/// The leapformer.v1.Translator gRPC service (protos/leapformer/v1/translation.proto): a thin
/// adapter that runs the transport-neutral <see cref="TranslationCall"/> and throws its outcome's status.
/// </summary>
internal sealed class TranslatorService(
    TranslationCallFactory calls,
    ModelInfoSource info,
    IOptions<StreamingOptions> streaming,
    ILogger<TranslatorService> logger)
    : Translator.TranslatorBase
{
    public override async Task StreamingTranslate(
        IAsyncStreamReader<StreamingTranslateRequest> requestStream,
        IServerStreamWriter<StreamingTranslateResponse> responseStream,
        ServerCallContext context)
    {
        var transport = new CallTransport(CallObservabilityInterceptor.StreamId(context), context.CancellationToken, context.Deadline);
        var input = new GrpcCallInput(requestStream, context, streaming.Value.MaxMessageBytes);
        CallStatus.ThrowIfFailed(await calls.Create(logger, transport).RunAsync(input, new GrpcCallOutput(responseStream)));
    }

    public override Task<ModelInfo> GetModelInfo(GetModelInfoRequest request, ServerCallContext context)
        => Task.FromResult(info.Current());
}
