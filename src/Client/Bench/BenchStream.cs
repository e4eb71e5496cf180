using System.Diagnostics;
using Grpc.Core;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Bench;

/// <summary>
/// One stream of a load run: a writer that sends the shared chunks (paced by one PeriodicTimer, or
/// back to back), and one reader task that timestamps every token as it arrives.
/// </summary>
internal sealed class BenchStream(Translator.TranslatorClient client, BenchAudio audio, BenchSettings settings, int index)
{
    // Stopwatch timestamps of each chunk's write, read by the reader to turn source ms into a lag.
    private readonly long[] _sentAt = new long[audio.Chunks.Count];
    private readonly List<float> _lags = settings.Paced ? new List<float>(1024) : [];
    private const double EarlyMs = 2;
    private int _tokens;
    private int _finals;
    private int _chunksSent;
    private double _maxSlipMs;

    /// <param name="runStart">Stopwatch timestamp the run began at (for <see cref="BenchStreamResult.StartMs"/>).</param>
    public async Task<BenchStreamResult> RunAsync(long runStart, CancellationToken cancellationToken)
    {
        using var call = client.StreamingTranslate(cancellationToken: cancellationToken);
        long start = Stopwatch.GetTimestamp();
        var reader = ReadAsync(call.ResponseStream, cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new StreamingTranslateRequest { Config = Config() }, cancellationToken);
            start = Stopwatch.GetTimestamp();
            if (settings.Paced)
            {
                await WritePacedAsync(call.RequestStream, start, reader, cancellationToken);
            }
            else
            {
                await WriteUnpacedAsync(call.RequestStream, reader, cancellationToken);
            }

            if (!reader.IsCompleted)
            {
                await call.RequestStream.CompleteAsync();
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The call ended while we were writing; the reader holds its status.
        }

        var (status, detail) = await reader;
        long end = Stopwatch.GetTimestamp();
        return new BenchStreamResult(
            index,
            status,
            detail,
            Stopwatch.GetElapsedTime(runStart, start).TotalMilliseconds,
            _chunksSent == 0 ? 0 : audio.ChunkEndMs(_chunksSent - 1),
            Stopwatch.GetElapsedTime(start, end).TotalMilliseconds,
            _tokens,
            _finals,
            [.. _lags],
            _maxSlipMs);
    }

    private async Task WritePacedAsync(IClientStreamWriter<StreamingTranslateRequest> requests, long start, Task reader, CancellationToken cancellationToken)
    {
        // One timer per stream, ticking once per chunk; each tick sends every chunk due by then (up to 2 ms
        // early, against timer jitter), so a late tick catches up instead of drifting. Chunk i is due once
        // its last sample would have been recorded.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(settings.ChunkMs));
        int next = 0;
        while (next < _sentAt.Length && !reader.IsCompleted)
        {
            double elapsedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            while (next < _sentAt.Length && audio.ChunkEndMs(next) <= elapsedMs + EarlyMs)
            {
                _maxSlipMs = Math.Max(_maxSlipMs, elapsedMs - audio.ChunkEndMs(next));
                await SendAsync(requests, next++, cancellationToken);
                elapsedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            if (next < _sentAt.Length)
            {
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }
    }

    private async Task WriteUnpacedAsync(IClientStreamWriter<StreamingTranslateRequest> requests, Task reader, CancellationToken cancellationToken)
    {
        for (int i = 0; i < _sentAt.Length && !reader.IsCompleted; i++)
        {
            await SendAsync(requests, i, cancellationToken);
        }
    }

    private Task SendAsync(IClientStreamWriter<StreamingTranslateRequest> requests, int chunk, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _sentAt[chunk], Stopwatch.GetTimestamp());
        _chunksSent = chunk + 1;
        return requests.WriteAsync(new StreamingTranslateRequest { AudioContent = audio.Chunks[chunk] }, cancellationToken);
    }

    private async Task<(StatusCode Status, string Detail)> ReadAsync(IAsyncStreamReader<StreamingTranslateResponse> responses, CancellationToken cancellationToken)
    {
        try
        {
            while (await responses.MoveNext(cancellationToken))
            {
                if (responses.Current.Result is not { } result)
                {
                    continue;
                }

                _finals += result.IsFinal ? 1 : 0;
                if (result.Tokens.Count == 0)
                {
                    continue;
                }

                _tokens += result.Tokens.Count;
                if (settings.Paced)
                {
                    long now = Stopwatch.GetTimestamp();
                    foreach (var token in result.Tokens)
                    {
                        // The server had read the audio up to source_ms of its segment when it committed the token.
                        long sent = Volatile.Read(ref _sentAt[audio.ChunkIndexForMs(result.SegmentStartMs + token.SourceMs)]);
                        if (sent != 0)
                        {
                            _lags.Add((float)Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                        }
                    }
                }
            }

            return (StatusCode.OK, "");
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex.Status.Detail);
        }
    }

    private StreamingTranslateConfig Config() => new()
    {
        Encoding = AudioEncoding.Linear16,
        SampleRateHertz = audio.SampleRate,
        AudioChannelCount = 1,
        WaitK = settings.WaitK,
    };
}
