using System.Diagnostics;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Bench;

/// <summary>
/// Runs N concurrent streams against a server and measures them (<c>leapformer bench</c>; the
/// functional tests run it against the in-process server).
/// </summary>
/// <param name="metrics">The server's Prometheus endpoint; null = client-side figures only.</param>
internal sealed class BenchRunner(Translator.TranslatorClient client, MetricsScraper? metrics, TextWriter log)
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    public async Task<BenchReport> RunAsync(BenchAudio audio, BenchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Streams, 1);
        var before = metrics is null ? null : await metrics.ScrapeAsync(cancellationToken);
        if (metrics is not null && before is null)
        {
            log.WriteLine($"warning: no server metrics from {metrics.Url}: {metrics.LastError}; reporting client-side figures only");
        }

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = before is null ? null : metrics!.SampleAsync(SampleInterval, sampling.Token);
        long start = Stopwatch.GetTimestamp();
        var streams = new Task<BenchStreamResult>[settings.Streams];
        for (int i = 0; i < streams.Length; i++)
        {
            streams[i] = StartAsync(audio, settings, i, start, cancellationToken);
        }

        var results = await Task.WhenAll(streams);
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await sampling.CancelAsync();
        var peaks = sampler is null ? null : await sampler;
        var after = before is null ? null : await metrics!.ScrapeAsync(cancellationToken);
        return BenchReport.Build(settings, results, wall, before, after, peaks);
    }

    /// <summary>Paced runs at each of <paramref name="counts"/> (ascending) until one does not hold real time.</summary>
    public async Task<FindMaxReport> FindMaxAsync(BenchAudio audio, BenchSettings settings, IReadOnlyList<int> counts, CancellationToken cancellationToken)
    {
        var steps = new List<BenchReport>();
        int best = 0;
        foreach (int count in counts)
        {
            log.WriteLine($"-- {count} streams");
            var report = await RunAsync(audio, settings with { Streams = count, Paced = true }, cancellationToken);
            BenchReportWriter.WriteTable(log, report);
            steps.Add(report);
            if (report.RealTimeHeld != true)
            {
                break;
            }

            best = count;

            // Let the server end the last streams (and free their sessions) before the next step starts.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        return new FindMaxReport(settings.LagThresholdMs, best, steps);
    }

    private async Task<BenchStreamResult> StartAsync(BenchAudio audio, BenchSettings settings, int index, long runStart, CancellationToken cancellationToken)
    {
        if (settings.RampSeconds > 0 && settings.Streams > 1)
        {
            var due = TimeSpan.FromSeconds(settings.RampSeconds * index / settings.Streams) - Stopwatch.GetElapsedTime(runStart);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }
        }
        else
        {
            await Task.Yield(); // every stream starts on the pool, none on the caller's stack
        }

        return await new BenchStream(client, audio, settings, index).RunAsync(runStart, cancellationToken);
    }
}
