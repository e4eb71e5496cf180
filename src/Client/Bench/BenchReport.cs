using Grpc.Core;

namespace LeaPformer.Client.Bench;

/// <summary>
/// The outcome of one load run (docs/benchmarks.md defines every figure). Client-side figures are exact
/// over the samples collected; <see cref="Server"/> comes from the server's Prometheus metrics.
/// </summary>
internal sealed record BenchReport
{
    public required int Streams { get; init; }

    public required bool Paced { get; init; }

    public required int ChunkMs { get; init; }

    public required int WaitK { get; init; }

    public required double RampSeconds { get; init; }

    /// <summary>Streams that ended with OK.</summary>
    public required int StreamsOk { get; init; }

    /// <summary>Streams that ended with another status, by status code name.</summary>
    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    /// <summary>Audio sent, all streams together (s).</summary>
    public required double AudioSeconds { get; init; }

    public required double AudioSecondsPerStream { get; init; }

    /// <summary>From the run's start (the first stream) to the end of the last stream (s).</summary>
    public required double WallSeconds { get; init; }

    public required long Tokens { get; init; }

    /// <summary>Tokens received over <see cref="WallSeconds"/>, all streams together.</summary>
    public required double TokensPerSecond { get; init; }

    /// <summary>Audio seconds translated per wall second, all streams together.</summary>
    public required double AudioSecondsPerWallSecond { get; init; }

    /// <summary>Each stream's wall time over its audio time (about 1 when paced; the speed when unpaced).</summary>
    public required Spread StreamWallOverAudio { get; init; }

    /// <summary>Paced runs: token lag over every token of every stream; null when unpaced.</summary>
    public required LagSummary? Lag { get; init; }

    /// <summary>Paced runs: the latest the client sent any chunk after it was due (its own pacing falling behind).</summary>
    public required double MaxSendSlipMs { get; init; }

    /// <summary>From the server's /metrics; null without a metrics endpoint.</summary>
    public required ServerSummary? Server { get; init; }

    public required double LagThresholdMs { get; init; }

    /// <summary>Paced runs: every stream ended OK with tokens and its p95 lag at most <see cref="LagThresholdMs"/>; null when unpaced.</summary>
    public required bool? RealTimeHeld { get; init; }

    public static BenchReport Build(
        BenchSettings settings,
        IReadOnlyList<BenchStreamResult> streams,
        double wallSeconds,
        MetricsSnapshot? before,
        MetricsSnapshot? after,
        MetricsPeaks? peaks)
    {
        double audioSeconds = streams.Sum(s => s.AudioMs) / 1000;
        long tokens = streams.Sum(s => (long)s.Tokens);
        var ratios = streams.Where(s => s.AudioMs > 0).Select(s => s.WallMs / s.AudioMs).ToList();
        LagSummary? lag = null;
        bool? held = null;
        if (settings.Paced)
        {
            var all = new float[streams.Sum(s => s.LagsMs.Length)];
            int at = 0;
            var worst = 0.0;
            held = true;
            foreach (var s in streams)
            {
                s.LagsMs.CopyTo(all, at);
                at += s.LagsMs.Length;
                var own = s.LagsMs.Order().ToArray();
                double p95 = SampleQuantiles.Quantile(own, 0.95);
                worst = Math.Max(worst, own.Length > 0 ? p95 : 0);
                held &= s.Status == StatusCode.OK && own.Length > 0 && p95 <= settings.LagThresholdMs;
            }

            Array.Sort(all);
            lag = all.Length == 0 ? null : new LagSummary(
                all.Length,
                SampleQuantiles.Quantile(all, 0.50),
                SampleQuantiles.Quantile(all, 0.95),
                SampleQuantiles.Quantile(all, 0.99),
                all[^1],
                worst);
        }

        return new BenchReport
        {
            Streams = streams.Count,
            Paced = settings.Paced,
            ChunkMs = settings.ChunkMs,
            WaitK = settings.WaitK,
            RampSeconds = settings.RampSeconds,
            StreamsOk = streams.Count(s => s.Status == StatusCode.OK),
            Errors = streams.Where(s => s.Status != StatusCode.OK).GroupBy(s => s.Status.ToString())
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            AudioSeconds = audioSeconds,
            AudioSecondsPerStream = streams.Count == 0 ? 0 : audioSeconds / streams.Count,
            WallSeconds = wallSeconds,
            Tokens = tokens,
            TokensPerSecond = wallSeconds > 0 ? tokens / wallSeconds : 0,
            AudioSecondsPerWallSecond = wallSeconds > 0 ? audioSeconds / wallSeconds : 0,
            StreamWallOverAudio = new Spread(
                ratios.Count == 0 ? 0 : SampleQuantiles.Quantile(ratios, 0.5), ratios.Count == 0 ? 0 : ratios.Max()),
            Lag = lag,
            MaxSendSlipMs = streams.Count == 0 ? 0 : streams.Max(s => s.MaxSendSlipMs),
            Server = before is not null && after is not null ? ServerSummary.From(before, after, peaks, streams.Count, audioSeconds) : null,
            LagThresholdMs = settings.LagThresholdMs,
            RealTimeHeld = held,
        };
    }
}

/// <summary>Median and maximum over streams.</summary>
internal sealed record Spread(double Median, double Max);

/// <param name="Tokens">Tokens with a lag (every token of the paced streams).</param>
/// <param name="WorstStreamP95Ms">The largest per-stream p95: what <see cref="BenchReport.RealTimeHeld"/> compares with the threshold.</param>
internal sealed record LagSummary(int Tokens, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double WorstStreamP95Ms);

/// <summary>What the server's metrics say about the run (differences between the scrapes before and after it).</summary>
/// <param name="ComputeOverAudio">Δ leapformer_compute_seconds_total / Δ leapformer_audio_seconds_total: the server's real-time factor
/// (front end + model time per audio second, summed over streams; below 1 = faster than real time per stream).</param>
/// <param name="AudioSeconds">Δ leapformer_audio_seconds_total: the audio the server accepted.</param>
/// <param name="TokensEmitted">Δ leapformer_emitted_tokens_total.</param>
/// <param name="ChunkComputeMs">Δ leapformer_chunk_compute_seconds: per audio message, interpolated inside histogram buckets.</param>
/// <param name="CpuSecondsPerAudioSecond">Δ process_cpu_seconds_total / audio seconds sent (all streams): CPU per second of one stream's audio.</param>
/// <param name="WorkingSetDeltaPerStreamBytes">(peak process_working_set_bytes during the run − before) / streams.</param>
/// <param name="PeakActiveStreams">Largest leapformer_active_streams seen (scraped once a second).</param>
internal sealed record ServerSummary(
    double? ComputeOverAudio,
    double? AudioSeconds,
    double? TokensEmitted,
    ChunkLatency? ChunkComputeMs,
    double? CpuSecondsPerAudioSecond,
    double? WorkingSetDeltaPerStreamBytes,
    double? PeakActiveStreams)
{
    public const string ChunkHistogram = "leapformer_chunk_compute_seconds";

    public static ServerSummary From(MetricsSnapshot before, MetricsSnapshot after, MetricsPeaks? peaks, int streams, double audioSecondsSent)
    {
        double? Delta(string series) => after.Value(series) - before.Value(series);
        var audio = Delta("leapformer_audio_seconds_total");
        var compute = Delta("leapformer_compute_seconds_total");
        var cpu = Delta("process_cpu_seconds_total");
        var workingSetBefore = before.Value(MetricsScraper.WorkingSet);
        var workingSetPeak = Math.Max(peaks?.WorkingSetBytes ?? 0, after.Value(MetricsScraper.WorkingSet) ?? 0);
        return new ServerSummary(
            audio > 0 ? compute / audio : null,
            audio,
            Delta("leapformer_emitted_tokens_total"),
            ChunkLatency.From(HistogramQuantiles.Difference(before.Buckets(ChunkHistogram), after.Buckets(ChunkHistogram))),
            audioSecondsSent > 0 ? cpu / audioSecondsSent : null,
            workingSetBefore is { } ws && workingSetPeak > 0 && streams > 0 ? (workingSetPeak - ws) / streams : null,
            peaks?.ActiveStreams);
    }
}

/// <summary>Per-message server compute quantiles (ms), each with the bounds of its histogram bucket.</summary>
internal sealed record ChunkLatency(double Count, BucketQuantile P50, BucketQuantile P95, BucketQuantile P99)
{
    public static ChunkLatency? From(IReadOnlyList<(double UpperBound, double Count)> seconds)
    {
        var ms = seconds.Select(b => (b.UpperBound * 1000, b.Count)).ToList();
        return HistogramQuantiles.Quantile(ms, 0.5) is { } p50
            ? new ChunkLatency(ms[^1].Count, p50, HistogramQuantiles.Quantile(ms, 0.95)!, HistogramQuantiles.Quantile(ms, 0.99)!)
            : null;
    }
}
