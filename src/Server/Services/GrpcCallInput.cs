using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.Services;

/// <summary>A gRPC call's request stream as a call's input: grpc-dotnet's failures classified.</summary>
internal sealed class GrpcCallInput(IAsyncStreamReader<StreamingTranslateRequest> requests, ServerCallContext context, int maxMessageBytes)
    : ICallInput
{
    public async ValueTask<StreamingTranslateRequest?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await requests.MoveNext(cancellationToken) ? requests.Current : null;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            throw new CallEndedException(CallOutcome.MessageTooLarge(maxMessageBytes), ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Internal or StatusCode.Cancelled || context.CancellationToken.IsCancellationRequested)
        {
            // e.g. "Incomplete message" (INTERNAL): the client reset the stream in the middle of a message.
            // grpc-dotnet can throw it before the call's token is cancelled, so it must not depend on that
            // token (it did, and a chaos run under load ended one abandoned stream with INTERNAL).
            throw ClientGone(ex);
        }
        catch (RpcException ex)
        {
            throw new CallEndedException(CallOutcome.Invalid(ex.Status.Detail), ex); // a request grpc-dotnet refused
        }
        catch (Exception ex) when (ex is IOException || (ex is InvalidOperationException && context.CancellationToken.IsCancellationRequested))
        {
            // The client reset the stream or dropped the connection ("Can't read messages after the request is complete").
            throw ClientGone(ex);
        }
    }

    private static CallEndedException ClientGone(Exception inner) => new(CallOutcome.ClientGone(), inner);
}
