using System.Net.WebSockets;
using Grpc.Core;

namespace LeaPformer.Server.WebSockets;

/// <summary>How a call's gRPC status reads on a WebSocket: its canonical name, and the close status that ends the connection.</summary>
internal static class WebSocketStatus
{
    /// <summary>1012 (RFC 6455 registry): the server is restarting; reconnect.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>1013 (RFC 6455 registry): try again later.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>The canonical name, as gRPC's own tools print it: InvalidArgument -> "INVALID_ARGUMENT".</summary>
    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.Unknown => "UNKNOWN",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        _ => code.ToString(),
    };

    /// <summary>
    /// OK: normal closure (1000). The server stopping: 1012; a limit of the server: 1013; a failure
    /// of the server: 1011; anything the client did or let happen (bad input, no key, idle, too long): 1008.
    /// </summary>
    public static WebSocketCloseStatus CloseStatus(StatusCode code) => code switch
    {
        StatusCode.OK => WebSocketCloseStatus.NormalClosure,
        StatusCode.Unavailable => ServiceRestart,
        StatusCode.ResourceExhausted => TryAgainLater,
        StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss => WebSocketCloseStatus.InternalServerError,
        _ => WebSocketCloseStatus.PolicyViolation,
    };
}
