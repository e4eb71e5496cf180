namespace LeaPformer.Server.WebSockets;

/// <summary>Log lines of the WebSocket bridge (the call itself logs through ServerLog, as gRPC calls do).</summary>
internal static partial class WebSocketLog
{
    [LoggerMessage(101, LogLevel.Warning, "WebSocket {StreamId} refused: a page from {Origin} is not allowed (Web:AllowedOrigins)")]
    public static partial void OriginRefused(ILogger logger, string streamId, string origin);

    [LoggerMessage(102, LogLevel.Information, "WebSocket {StreamId}: the close handshake did not complete ({Reason})")]
    public static partial void CloseNotCompleted(ILogger logger, string streamId, string reason);
}
