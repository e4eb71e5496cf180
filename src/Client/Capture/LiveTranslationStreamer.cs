using System.Diagnostics;
using Grpc.Core;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Capture;

/// <summary>
/// Streams an <see cref="AudioCapture"/> through StreamingTranslate as it records: the config, then
/// one LINEAR16 message per <c>chunkMs</c> of audio, until the input ends or <c>stop</c> fires;
/// then half-close and wait for the final result (the grpc-dotnet bidi pattern: responses are
/// read on a background task while this one writes).
/// </summary>
internal sealed class LiveTranslationStreamer(Translator.TranslatorClient client)
{
    /// <param name="onResponse">Called on the reader task for each response, as it arrives.</param>
    /// <param name="onStopping">Called once when <paramref name="stop"/> fired and the stream is half-closed.</param>
    /// <param name="stop">Ends the input (Ctrl+C); the final result is still awaited, up to <paramref name="finalTimeout"/>.</param>
    /// <exception cref="RpcException">The server ended the stream with an error status, or cannot be reached.</exception>
    /// <exception cref="CaptureException">The capture failed; the call is cancelled.</exception>
    public async Task<LiveOutcome> StreamAsync(
        AudioCapture capture,
        int waitK,
        int chunkMs,
        Action<StreamingTranslateResponse> onResponse,
        Action onStopping,
        TimeSpan finalTimeout,
        CancellationToken stop)
    {
        var chunkBytes = Math.Max(1, capture.SampleRate * chunkMs / 1000) * 2;
        var collector = new ResponseCollector(onResponse);
        using var abort = new CancellationTokenSource();
        using var call = client.StreamingTranslate(cancellationToken: abort.Token);
        var clock = Stopwatch.StartNew();
        var reader = collector.ReadAllAsync(call.ResponseStream, clock, abort.Token);
        long bytesSent = 0;
        var stopped = false;
        try
        {
            await call.RequestStream.WriteAsync(new StreamingTranslateRequest { Config = Config(capture.SampleRate, waitK) });
            while (!reader.IsCompleted)
            {
                // A fresh buffer per message: the request wraps it without copying. 10 a second.
                var buffer = new byte[chunkBytes];
                int read;
                try
                {
                    read = await capture.ReadChunkAsync(buffer, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                bytesSent += read;
                await call.RequestStream.WriteAsync(new StreamingTranslateRequest
                {
                    AudioContent = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)),
                });
            }

            if (!reader.IsCompleted)
            {
                await call.RequestStream.CompleteAsync();
            }
        }
        catch (CaptureException)
        {
            await abort.CancelAsync();
            await Observe(reader);
            throw;
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call while we were writing; the reader task holds its status.
        }

        if (stopped)
        {
            onStopping();
            abort.CancelAfter(finalTimeout);
        }

        var complete = true;
        try
        {
            await reader;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && abort.IsCancellationRequested)
        {
            complete = false;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            complete = false;
        }

        var audioMs = bytesSent / 2 * 1000.0 / capture.SampleRate;
        return new LiveOutcome(collector.ToOutcome(audioMs, clock.Elapsed), stopped, complete);
    }

    private static StreamingTranslateConfig Config(int sampleRate, int waitK) => new()
    {
        Encoding = AudioEncoding.Linear16,
        SampleRateHertz = sampleRate,
        AudioChannelCount = 1,
        WaitK = waitK,
    };

    private static async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException)
        {
            // The call was cancelled because the capture failed: that failure is what gets reported.
        }
    }
}
