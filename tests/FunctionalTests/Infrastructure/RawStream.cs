using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Contracts.V1;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Sends hand-made request messages, for the cases the real client never produces.</summary>
public static class RawStream
{
    public static StreamingTranslateRequest Config(
        AudioEncoding encoding = AudioEncoding.Linear16, int rate = 16000, int channels = 1, int waitK = 0, string source = "", string target = "")
        => new()
        {
            Config = new StreamingTranslateConfig
            {
                Encoding = encoding,
                SampleRateHertz = rate,
                AudioChannelCount = channels,
                WaitK = waitK,
                SourceLanguageCode = source,
                TargetLanguageCode = target,
            },
        };

    public static StreamingTranslateRequest Audio(byte[] bytes) => new() { AudioContent = Google.Protobuf.ByteString.CopyFrom(bytes) };

    /// <summary><paramref name="audio"/> as LINEAR16 audio messages of <paramref name="chunkMs"/> each.</summary>
    public static StreamingTranslateRequest[] Chunks(LeaPformer.Client.Audio.PcmAudio audio, int chunkMs = 100)
    {
        var chunk = audio.SampleRate * chunkMs / 1000;
        return [.. Enumerable.Range(0, (audio.Samples.Length + chunk - 1) / chunk)
            .Select(i => Audio(audio.Linear16(i * chunk, Math.Min(chunk, audio.Samples.Length - i * chunk))))];
    }

    /// <summary>Silence: <paramref name="ms"/> of 16 kHz LINEAR16 zeros.</summary>
    public static StreamingTranslateRequest Silence(int ms) => Audio(new byte[16 * ms * 2]);

    /// <summary>Writes the messages, half-closes and reads every response; returns them, or the status the server ended with.</summary>
    public static async Task<(List<StreamingTranslateResponse> Responses, RpcException? Error)> RunAsync(
        GrpcChannel channel, params StreamingTranslateRequest[] messages)
    {
        var client = new Translator.TranslatorClient(channel);
        using var call = client.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(message).WaitAsync(TestTimeouts.Short);
            }

            await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Short);
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            // The server ended the call first; its status is read below.
        }

        var responses = new List<StreamingTranslateResponse>();
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync().WithCancellation(default))
            {
                responses.Add(response);
            }

            return (responses, null);
        }
        catch (RpcException ex)
        {
            return (responses, ex);
        }
    }

    /// <summary>
    /// Sends <paramref name="audio"/> (16 kHz) in 100 ms messages at real-time pace, over and over,
    /// reading meanwhile, until the server ends the call or <paramref name="limit"/> passes (then half-closes).
    /// </summary>
    public static async Task<(List<StreamingTranslateResponse> Responses, RpcException? Error)> PacedAsync(
        GrpcChannel channel, LeaPformer.Client.Audio.PcmAudio audio, TimeSpan limit, int waitK = 3, Action? onFirstAudio = null)
    {
        var client = new Translator.TranslatorClient(channel);
        using var call = client.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var reading = ReadAllAsync(call);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await call.RequestStream.WriteAsync(Config(waitK: waitK));
            var sent = TimeSpan.Zero;
            while (!reading.IsCompleted && clock.Elapsed < limit)
            {
                for (var start = 0; start < audio.Samples.Length && !reading.IsCompleted && clock.Elapsed < limit; start += 1600)
                {
                    await call.RequestStream.WriteAsync(Audio(audio.Linear16(start, Math.Min(1600, audio.Samples.Length - start))));
                    if (sent == TimeSpan.Zero)
                    {
                        onFirstAudio?.Invoke();
                    }

                    sent += TimeSpan.FromMilliseconds(100);
                    if (sent > clock.Elapsed)
                    {
                        await Task.Delay(sent - clock.Elapsed);
                    }
                }
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            // The server ended the call first; its status is read below.
        }

        return await reading.WaitAsync(TestTimeouts.Stream);
    }

    /// <summary>Every response of <paramref name="call"/>, and the status it ended with when not OK.</summary>
    public static async Task<(List<StreamingTranslateResponse> Responses, RpcException? Error)> ReadAllAsync(
        AsyncDuplexStreamingCall<StreamingTranslateRequest, StreamingTranslateResponse> call)
    {
        var responses = new List<StreamingTranslateResponse>();
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                responses.Add(response);
            }

            return (responses, null);
        }
        catch (RpcException ex)
        {
            return (responses, ex);
        }
    }
}
