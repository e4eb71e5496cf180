using Grpc.Core;
using LeaPformer.Streaming;
using Prometheus;

namespace LeaPformer.Server.Hosting;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (one per host, so in-process test
/// servers do not share counters), plus the live-session count the tests read.
/// </summary>
internal sealed class ServerMetrics
{
    private readonly Counter.Child?[] _segmentsByReason; // by SegmentEndReason; made up front, so every reason shows from 0
    private int _liveSessions;

    public ServerMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        ActiveStreams = factory.CreateGauge("leapformer_active_streams", "Streams being served now.");
        LiveSessions = factory.CreateGauge("leapformer_live_sessions", "Model sessions (per-stream model state) alive now.");
        ModelReady = factory.CreateGauge("leapformer_model_ready", "1 once the model is loaded and warmed up, 0 before and while shutting down.");
        AudioSeconds = factory.CreateCounter("leapformer_audio_seconds_total", "Seconds of audio accepted from clients.");
        ComputeSeconds = factory.CreateCounter("leapformer_compute_seconds_total",
            "Seconds spent in the front end and the model; rate(compute) / rate(audio) is the real-time factor.");
        Tokens = factory.CreateCounter("leapformer_emitted_tokens_total", "Target tokens committed and sent.");
        ChunkCompute = factory.CreateHistogram("leapformer_chunk_compute_seconds",
            "Compute time for one audio message: front end plus every model step it allowed.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) }); // 0.1 ms .. 3.3 s
        RealTimeFactor = factory.CreateHistogram("leapformer_stream_real_time_factor",
            "Compute time over audio time, per stream that ended (below 1 = faster than real time).",
            new HistogramConfiguration { Buckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5] });
        Calls = factory.CreateCounter("leapformer_rpcs_total", "Calls that ended, by method and gRPC status code.",
            new CounterConfiguration { LabelNames = ["method", "code"] });
        Segments = factory.CreateCounter("leapformer_segments_total",
            "Segments that ended, by why: input_finished, trailing_silence, max_segment_length, or the runaway guard's runaway_tokens and repetition.",
            new CounterConfiguration { LabelNames = ["end_reason"] });
        _segmentsByReason = [.. Enum.GetValues<SegmentEndReason>().Select(r => r == SegmentEndReason.None ? null : Segments.WithLabels(Label(r)))];
        Errors = factory.CreateCounter("leapformer_rpc_errors_total", "Calls that ended with a status other than OK, by method and code.",
            new CounterConfiguration { LabelNames = ["method", "code"] });
    }

    public CollectorRegistry Registry { get; }

    public Gauge ActiveStreams { get; }

    public Gauge ModelReady { get; }

    public Counter AudioSeconds { get; }

    public Counter ComputeSeconds { get; }

    public Counter Tokens { get; }

    public Histogram ChunkCompute { get; }

    public Histogram RealTimeFactor { get; }

    /// <summary>Model sessions not yet disposed: zero whenever no stream is being served.</summary>
    public int ActiveSessions => Volatile.Read(ref _liveSessions);

    private Gauge LiveSessions { get; }

    private Counter Calls { get; }

    private Counter Segments { get; }

    internal Counter Errors { get; }

    public void SessionOpened() => LiveSessions.Set(Interlocked.Increment(ref _liveSessions));

    public void SessionClosed() => LiveSessions.Set(Interlocked.Decrement(ref _liveSessions));

    /// <summary>A segment's final result went out.</summary>
    public void SegmentEnded(SegmentEndReason reason) => _segmentsByReason[(int)reason]?.Inc();

    /// <summary>The end_reason label: the wire's enum name in lower case.</summary>
    public static string Label(SegmentEndReason reason) => reason switch
    {
        SegmentEndReason.InputFinished => "input_finished",
        SegmentEndReason.TrailingSilence => "trailing_silence",
        SegmentEndReason.MaxSegmentLength => "max_segment_length",
        SegmentEndReason.RunawayTokens => "runaway_tokens",
        SegmentEndReason.Repetition => "repetition",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a reason a segment ends for."),
    };

    public void CallEnded(string method, StatusCode code)
    {
        var name = code.ToString();
        Calls.WithLabels(method, name).Inc();
        if (code != StatusCode.OK)
        {
            Errors.WithLabels(method, name).Inc();
        }
    }
}
