using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Google.Protobuf;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// The browser's messages as the request stream of a StreamingTranslate call: a text message
/// <c>{"config": ...}</c> is a request with the config, a binary message a request with that
/// audio_content (LINEAR16 or FLOAT32 as the config says; the call checks it), and
/// <c>{"end": true}</c> or the client's close frame is the half-close.
/// </summary>
/// <remarks>
/// A background loop receives and hands each request over through a channel of one, so the client's
/// sending is paced by the call's reading, as HTTP/2 flow control paces a gRPC client. The call's
/// reads can then be cancelled (its idle clock, the stream's duration) without cancelling a WebSocket
/// receive, which would abort the socket before the final result could be sent. After the input
/// ends, the loop goes on reading (and dropping) messages until the client's close frame, so the
/// close handshake can complete.
/// </remarks>
internal sealed class WebSocketRequestReader : ICallInput
{
    private const int InitialBufferBytes = 16 * 1024; // 0.5 s of 16 kHz LINEAR16; grows up to the limit

    private readonly WebSocket _socket;
    private readonly int _maxMessageBytes;
    private readonly Channel<StreamingTranslateRequest> _requests =
        Channel.CreateBounded<StreamingTranslateRequest>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _stopDelivering = new();
    private Task _receiving = Task.CompletedTask;
    private StreamingTranslateRequest? _first; // read ahead by PeekFirstAsync, not yet given to the call

    public WebSocketRequestReader(WebSocket socket, int maxMessageBytes)
    {
        _socket = socket;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>The "apiKey" of the first text message, if it had one.</summary>
    public string? ApiKey { get; private set; }

    /// <summary>Completes when the client's close frame has arrived or the connection failed.</summary>
    public Task Completion => _receiving;

    /// <summary>Starts receiving; <paramref name="aborted"/> is the connection's RequestAborted.</summary>
    public void Start(CancellationToken aborted) => _receiving = ReceiveAllAsync(aborted);

    /// <summary>
    /// Reads the first request ahead of the call, for its <see cref="ApiKey"/>; the call's first
    /// <see cref="ReadAsync"/> returns it again.
    /// </summary>
    public async Task PeekFirstAsync(CancellationToken cancellationToken)
    {
        _first = await ReadAsync(cancellationToken);
    }

    public async ValueTask<StreamingTranslateRequest?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_first is { } first)
        {
            _first = null;
            return first;
        }

        // Throws what the receive loop completed the channel with: bad input, too large, or the client gone (CallEndedException).
        return await _requests.Reader.WaitToReadAsync(cancellationToken) ? await _requests.Reader.ReadAsync(cancellationToken) : null;
    }

    /// <summary>The call has ended: drop whatever the client still sends, until its close frame.</summary>
    public void StopDelivering() => _stopDelivering.Cancel();

    private async Task ReceiveAllAsync(CancellationToken aborted)
    {
        using var deliver = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopDelivering.Token);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var inputEnded = false;
        var first = true;
        try
        {
            while (true)
            {
                // One whole message (a browser may split it into frames); past the limit the rest is dropped.
                var length = 0;
                var tooLarge = false;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length > _maxMessageBytes || inputEnded)
                        {
                            tooLarge = !inputEnded;
                            length = 0; // keep reading into the same buffer: what is dropped need not be kept
                        }
                        else
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxMessageBytes + 1));
                            buffer.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }

                    received = await _socket.ReceiveAsync(buffer.AsMemory(length), aborted);
                    length += received.Count;
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    _requests.Writer.TryComplete(); // the close handshake is a half-close too
                    return;
                }

                if (inputEnded)
                {
                    continue;
                }

                tooLarge |= length > _maxMessageBytes;
                try
                {
                    if (tooLarge)
                    {
                        throw new CallEndedException(CallOutcome.MessageTooLarge(_maxMessageBytes));
                    }

                    var request = ToRequest(received.MessageType, buffer.AsMemory(0, length), first);
                    first = false;
                    if (request is null)
                    {
                        inputEnded = _requests.Writer.TryComplete(); // {"end": true}
                        continue;
                    }

                    await _requests.Writer.WriteAsync(request, deliver.Token);
                }
                catch (CallEndedException error)
                {
                    inputEnded = _requests.Writer.TryComplete(error);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    inputEnded = true; // the call ended without reading this message
                }
            }
        }
        catch (Exception ex)
        {
            // The connection dropped, the socket was aborted, or disposed after a close handshake the
            // client never finished: to the call (if it still reads), the client went away.
            _requests.Writer.TryComplete(new CallEndedException(CallOutcome.ClientGone(), new IOException("The WebSocket connection was lost.", ex)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The request a message stands for; null for <c>{"end": true}</c>.</summary>
    private StreamingTranslateRequest? ToRequest(WebSocketMessageType type, ReadOnlyMemory<byte> message, bool first)
    {
        if (type == WebSocketMessageType.Binary)
        {
            return new StreamingTranslateRequest { AudioContent = ByteString.CopyFrom(message.Span) };
        }

        var parsed = ClientMessage.Parse(message);
        if (first)
        {
            ApiKey = parsed.ApiKey;
        }

        return parsed.End ? null : new StreamingTranslateRequest { Config = parsed.Config };
    }
}
