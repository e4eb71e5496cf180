using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LeaPformer.Client.Audio;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// A real ClientWebSocket on the server's /ws/translate: what a browser page does, from a test.
/// Every receive is bounded by <see cref="TestTimeouts"/>.
/// </summary>
public sealed class TranslateSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private TranslateSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public static async Task<TranslateSocket> ConnectAsync(Uri webAddress, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new UriBuilder(webAddress) { Scheme = "ws", Path = "/ws/translate" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(TestTimeouts.Short);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new TranslateSocket(socket);
    }

    public Task SendTextAsync(string text)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TestTimeouts.Short);

    public Task SendConfigAsync(int waitK, int sampleRate = 16000, string? apiKey = null)
        => SendTextAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["config"] = new Dictionary<string, object> { ["encoding"] = "LINEAR16", ["sampleRateHertz"] = sampleRate, ["waitK"] = waitK },
            ["apiKey"] = apiKey,
        }.Where(p => p.Value is not null).ToDictionary()));

    public Task SendAudioAsync(byte[] bytes)
        => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(TestTimeouts.Short);

    /// <summary>Sends <paramref name="audio"/> as LINEAR16 in <paramref name="chunkMs"/> messages, as fast as possible.</summary>
    public async Task SendAudioAsync(PcmAudio audio, int chunkMs = 100)
    {
        var chunk = audio.SampleRate * chunkMs / 1000;
        for (var start = 0; start < audio.Samples.Length; start += chunk)
        {
            await SendAudioAsync(audio.Linear16(start, Math.Min(chunk, audio.Samples.Length - start)));
        }
    }

    /// <summary>Drops the connection without a close handshake: a browser tab closed, a network gone.</summary>
    public void Abort() => _socket.Abort();

    public Task SendEndAsync() => SendTextAsync("{\"end\": true}");

    /// <summary>Every message until the server closes the connection (answering its close frame), as JSON.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadUntilClosedAsync()
    {
        var messages = new List<JsonElement>();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TestTimeouts.Stream);
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token); // completes the handshake
                return messages;
            }

            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            messages.Add(JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Short);
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // the server went first
            }
        }

        _socket.Dispose();
    }
}
