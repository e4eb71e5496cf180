using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.Services;

/// <summary>A gRPC call's response stream as a call's output.</summary>
internal sealed class GrpcCallOutput(IServerStreamWriter<StreamingTranslateResponse> responses) : ICallOutput
{
    public Task WriteAsync(StreamingTranslateResponse response, CancellationToken cancellationToken)
        => responses.WriteAsync(response, cancellationToken);
}
