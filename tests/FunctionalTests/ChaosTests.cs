using System.Diagnostics;
using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// 500 streams opened and abandoned by their clients at random points, a bounded number at a
/// time; afterwards no session is left and managed memory is back to its baseline.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Streams = 500;
    private const int Concurrency = 16;

    private enum Ending
    {
        CancelMidStream,
        DisposeMidStream,
        HalfCloseEarly,
        ConfigOnlyThenDispose,
        ConfigOnlyThenHalfClose,
        DisposeBeforeAnything,
        CancelBeforeConfig,
        NeverReadThenDispose,
        BadAudioMidStream,
        ShortDeadline,
        Complete,
    }

    [Fact]
    public async Task FiveHundredAbandonedStreamsLeaveNoSessionAndNoGrowth()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string>
        {
            ["Streaming:MaxConcurrentStreams"] = "64",
            // Only warnings and errors in the captured log, so that the log itself does not grow the heap.
            ["Serilog:MinimumLevel:Override:LeaPformer"] = "Warning",
        });
        using var channel = factory.CreateChannel();
        var audio = WavLoader.Load(GoldenSet.Load(factory.BundlePath)[1].WavPath);
        var client = new Translator.TranslatorClient(channel);
        var endings = Enum.GetValues<Ending>();

        // Warm-up: every ending a few times (JIT, pools, channel connections), then the baseline.
        var warmup = new Random(7);
        await RunAsync(client, audio, Enumerable.Range(0, 100).Select(i => endings[i % endings.Length]), warmup);
        await DrainedAsync(factory);
        var baseline = SettledHeap();

        var random = new Random(20240611);
        var plan = Enumerable.Range(0, Streams).Select(_ => endings[random.Next(endings.Length)]).ToList();
        var clock = Stopwatch.StartNew();
        var statuses = await RunAsync(client, audio, plan, random);
        var elapsed = clock.Elapsed;
        await DrainedAsync(factory);
        var after = await RetainedHeapAsync(baseline);

        var growth = (after - baseline) / (double)baseline;
        var summary = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
        output.WriteLine($"chaos: {Streams} streams, {Concurrency} at a time, in {elapsed.TotalSeconds:0.0} s; endings seen by clients: {summary}");
        output.WriteLine($"chaos: managed heap {baseline / 1024.0 / 1024:0.00} MiB before, {after / 1024.0 / 1024:0.00} MiB after ({growth:+0.0%;-0.0%}); " +
            $"active streams {factory.Limiter.Active}, live sessions {factory.Metrics.ActiveSessions}");
        var serverSide = await ServerStatusesAsync(factory);
        output.WriteLine($"chaos: endings the server counted (leapformer_rpcs_total): {serverSide}");
        foreach (var e in factory.Logs.ErrorsSince(0))
        {
            output.WriteLine($"chaos: server error: {e.RenderMessage()} {e.Exception}");
        }

        Assert.DoesNotContain("code=\"Internal\"", serverSide);
        Assert.DoesNotContain("code=\"Unknown\"", serverSide);
        Assert.Equal(0, factory.Limiter.Active);
        Assert.Equal(0, factory.Metrics.ActiveSessions);
        Assert.True(Math.Abs(growth) <= 0.10, $"managed heap {baseline} -> {after} bytes ({growth:P1})");
        Assert.Empty(factory.Logs.ErrorsSince(0));

        // And it still serves.
        var (responses, error) = await RawStream.RunAsync(channel, [RawStream.Config(), .. RawStream.Chunks(audio)]);
        Assert.Null(error);
        Assert.Contains(responses, r => r.Result?.IsFinal == true);
    }

    private static async Task<List<string>> RunAsync(Translator.TranslatorClient client, PcmAudio audio, IEnumerable<Ending> plan, Random random)
    {
        using var gate = new SemaphoreSlim(Concurrency);
        var tasks = new List<Task<string>>();
        foreach (var ending in plan)
        {
            var chunks = random.Next(0, 15);
            var delayMs = random.Next(0, 300);
            await gate.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    return await OneAsync(client, audio, ending, chunks, delayMs).WaitAsync(TestTimeouts.Stream);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        return [.. await Task.WhenAll(tasks)];
    }

    /// <summary>One stream ended the <paramref name="ending"/> way; returns what the client saw, for the summary.</summary>
    private static async Task<string> OneAsync(Translator.TranslatorClient client, PcmAudio audio, Ending ending, int chunks, int delayMs)
    {
        using var cancel = new CancellationTokenSource();
        var deadline = ending == Ending.ShortDeadline ? DateTime.UtcNow.AddMilliseconds(50 + delayMs) : DateTime.UtcNow + TestTimeouts.Stream;
        var call = client.StreamingTranslate(deadline: deadline, cancellationToken: cancel.Token);
        Task<(List<StreamingTranslateResponse>, RpcException?)>? reading = null;
        try
        {
            if (ending == Ending.DisposeBeforeAnything)
            {
                return "disposed";
            }

            if (ending == Ending.CancelBeforeConfig)
            {
                await cancel.CancelAsync();
                return await StatusAsync(RawStream.ReadAllAsync(call));
            }

            if (ending != Ending.NeverReadThenDispose)
            {
                reading = RawStream.ReadAllAsync(call);
            }

            await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3));
            switch (ending)
            {
                case Ending.ConfigOnlyThenDispose:
                    await Task.Delay(delayMs / 10);
                    return "disposed";
                case Ending.ConfigOnlyThenHalfClose:
                    await call.RequestStream.CompleteAsync();
                    return await StatusAsync(reading!);
            }

            var count = ending == Ending.Complete ? int.MaxValue : chunks;
            for (var start = 0; start < audio.Samples.Length && count-- > 0; start += 1600)
            {
                await call.RequestStream.WriteAsync(RawStream.Audio(audio.Linear16(start, Math.Min(1600, audio.Samples.Length - start))));
            }

            switch (ending)
            {
                case Ending.CancelMidStream:
                    await Task.Delay(delayMs / 10);
                    await cancel.CancelAsync();
                    return await StatusAsync(reading!);
                case Ending.BadAudioMidStream:
                    await call.RequestStream.WriteAsync(RawStream.Audio(new byte[3]));
                    return await StatusAsync(reading!);
                case Ending.HalfCloseEarly or Ending.Complete or Ending.ShortDeadline:
                    await call.RequestStream.CompleteAsync();
                    return await StatusAsync(reading!);
                default: // DisposeMidStream, NeverReadThenDispose
                    await Task.Delay(delayMs / 10);
                    return "disposed";
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException or OperationCanceledException)
        {
            return reading is null ? ex.GetType().Name : await StatusAsync(reading);
        }
        finally
        {
            call.Dispose();
        }
    }

    private static async Task<string> StatusAsync(Task<(List<StreamingTranslateResponse> Responses, RpcException? Error)> reading)
    {
        try
        {
            var (_, error) = await reading;
            return (error?.StatusCode ?? StatusCode.OK).ToString();
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static async Task<string> ServerStatusesAsync(TranslationServerFactory factory)
    {
        using var text = new MemoryStream();
        await factory.Metrics.Registry.CollectAndExportAsTextAsync(text);
        var lines = System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .Where(l => l.StartsWith("leapformer_rpcs_total{method=\"StreamingTranslate\"", StringComparison.Ordinal));
        return string.Join(", ", lines.Select(l => l["leapformer_rpcs_total{method=\"StreamingTranslate\",".Length..]));
    }

    private static async Task DrainedAsync(TranslationServerFactory factory)
        => await TestTimeouts.WaitUntilAsync(() => factory.IsDrained,
            TestTimeouts.Stream, "every stream has ended and its session is freed");

    /// <summary>
    /// The settled heap, measured again (up to 3 more times, a second apart) while it is over 10% above
    /// the baseline. In a full test run the process also holds other tests' servers; once 20 MiB more
    /// was live at the first measurement (171 -> 190 MiB, +11%; the next full run +0.4%, this test
    /// alone under 1%). Transient allocations get time to go; a leak stays.
    /// </summary>
    private static async Task<long> RetainedHeapAsync(long baseline)
    {
        var heap = SettledHeap();
        for (var i = 0; i < 3 && heap > baseline * 1.10; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            heap = Math.Min(heap, SettledHeap());
        }

        return heap;
    }

    private static long SettledHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
