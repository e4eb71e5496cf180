using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// The response stream of a StreamingTranslate call as WebSocket text messages: each response in
/// protobuf's JSON mapping (<c>{"result": {...}}</c> or <c>{"speechEventType": "END_OF_SEGMENT"}</c>;
/// fields at their default value are left out), and at the end of a failed call one
/// <c>{"error": {"code": "INVALID_ARGUMENT", "message": "..."}}</c>.
/// </summary>
/// <remarks>One writer at a time, as for gRPC: the call's writer task, then the bridge's closing.</remarks>
internal sealed class WebSocketResponseWriter(WebSocket socket) : ICallOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public Task WriteAsync(StreamingTranslateResponse message, CancellationToken cancellationToken)
        => SendAsync(Formatter.Format(message), cancellationToken);

    /// <summary>The call's status as the last message: <paramref name="status"/>'s code by its gRPC name, and its sentence.</summary>
    public Task WriteErrorAsync(Status status, CancellationToken cancellationToken)
    {
        var json = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", WebSocketStatus.CodeName(status.StatusCode));
            writer.WriteString("message", status.Detail);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).AsTask();
    }

    private async Task SendAsync(string json, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
