using Grpc.Core;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.Services;

/// <summary>
/// The gRPC status of each way a call can end (docs/streaming-api.md). The WebSocket bridge uses
/// the same codes, by name, in its error message (WebSocketStatus).
/// </summary>
internal static class CallStatus
{
    public static StatusCode Code(CallEnd end) => end switch
    {
        CallEnd.Completed => StatusCode.OK,
        CallEnd.InvalidInput => StatusCode.InvalidArgument,
        CallEnd.IdleTimeout or CallEnd.ClientDeadline => StatusCode.DeadlineExceeded,
        CallEnd.MaxDuration => StatusCode.OutOfRange,
        CallEnd.ShuttingDown => StatusCode.Unavailable,
        CallEnd.ServerBusy or CallEnd.MessageTooLarge or CallEnd.SlowClient => StatusCode.ResourceExhausted,
        CallEnd.Unauthenticated => StatusCode.Unauthenticated,
        CallEnd.ClientGone => StatusCode.Cancelled,
        _ => StatusCode.Internal,
    };

    public static Status Of(CallOutcome outcome) => outcome.IsCompleted ? Status.DefaultSuccess : new(Code(outcome.End), outcome.Message);

    /// <summary>Throws the outcome's status unless the call completed.</summary>
    public static void ThrowIfFailed(CallOutcome outcome)
    {
        if (!outcome.IsCompleted)
        {
            throw new RpcException(Of(outcome));
        }
    }
}
