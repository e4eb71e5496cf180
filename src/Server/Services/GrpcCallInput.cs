using Google.Protobuf;
using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.Services;

/// <summary>
/// A gRPC call's request stream as a call's input, with grpc-dotnet's failures told apart: what the
/// client sent wrong (a message that is not protobuf, a bad compressed frame, a stream that ends in
/// the middle of a message, a message over the limit) from a client that went away.
/// </summary>
internal sealed class GrpcCallInput(IAsyncStreamReader<StreamingTranslateRequest> requests, ServerCallContext context, int maxMessageBytes)
    : ICallInput
{
    /// <summary>How long an "Incomplete message" waits for the call's token: a reset cancels it, a plain end of the request does not.</summary>
    private static readonly TimeSpan ResetGrace = TimeSpan.FromMilliseconds(200);

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
        catch (InvalidProtocolBufferException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new CallEndedException(CallOutcome.Invalid(
                RequestProblems.NotTheMessage("A request message", nameof(StreamingTranslateRequest), ex.Message)), ex);
        }
        catch (InvalidDataException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // grpc-dotnet decompresses before it parses: the frame's compressed flag or its grpc-encoding lied
            throw new CallEndedException(CallOutcome.Invalid(
                RequestProblems.NotDecompressible("A compressed request message", ex.Message)), ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Internal or StatusCode.Cancelled || context.CancellationToken.IsCancellationRequested)
        {
            if (ex.StatusCode == StatusCode.Internal && await EndedCleanlyAsync())
            {
                // "Incomplete message": the request stream ended (half-close) in the middle of a message's frame
                throw new CallEndedException(CallOutcome.Invalid(
                    RequestProblems.CutShort("The request stream", ex.Status.Detail)), ex);
            }

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

    /// <summary>
    /// True when the request ended without a reset: grpc-dotnet can report a reset as an incomplete
    /// message before the call's token is cancelled (a chaos run under load did), so it is given a moment.
    /// </summary>
    private async Task<bool> EndedCleanlyAsync()
    {
        try
        {
            await Task.Delay(ResetGrace, context.CancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static CallEndedException ClientGone(Exception inner) => new(CallOutcome.ClientGone(), inner);
}
