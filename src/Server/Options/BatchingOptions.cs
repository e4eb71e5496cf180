using LeaPformer.Streaming;

namespace LeaPformer.Server.Options;

/// <summary>
/// Batched decoding (configuration section "Batching"): streams that need model steps at the same
/// moment run them together, their states stacked into one ONNX call per graph
/// (<see cref="BatchDecodingService"/>). Tokens, delays and segments are exactly those of each stream
/// decoded alone; only the throughput changes.
/// </summary>
/// <remarks>
/// <para>On by default: the server exists to serve many streams at once, and one stacked call for N
/// streams costs far less than N calls of batch 1 (the per-call overhead of ONNX Runtime dominates a
/// 40 ms-frame step of a small model). What it costs a stream is a hand-off to a worker thread and
/// at most <see cref="MaxWait"/> per model call, next to a 280 ms source unit.</para>
/// <para><see cref="MaxBatchSize"/> 32 = the default Streaming:MaxConcurrentStreams, so every stream
/// of a full server fits one batch. <see cref="MaxWait"/> 0: a worker takes whatever streams are
/// waiting when it is free and never waits for more. Under load the queue fills while a batch runs, so
/// batches form anyway (measured: 500 paced streams on 2 cores, chunk compute p95 18 ms); with a few
/// streams, waiting only adds latency (measured: one unpaced stream ran at a real-time factor of 0.046
/// with 2 ms and 0.008 with 0; docs/benchmarks.md). <see cref="Workers"/> 0 = one per CPU, so a server with few streams still uses
/// every core (each worker keeps batch buffers of its own: tens of MB at 32 rows). These are
/// starting values; measure with the load generator before tuning.</para>
/// </remarks>
public sealed class BatchingOptions
{
    public const string SectionName = "Batching";

    /// <summary>False: each stream runs its own model calls on its own request thread.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Streams per batch (and per ONNX call) at most; 1..<see cref="TranslationEngine.MaxBatchSizeLimit"/>.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long a worker waits for more streams before it runs a batch that is not full; 0..1 s.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.Zero;

    /// <summary>Batches running at once, each on its own thread; 0 = one per CPU (<see cref="Environment.ProcessorCount"/>).</summary>
    public int Workers { get; set; }

    /// <summary>The runtime's options for these values.</summary>
    public BatchDecodingOptions ToBatchDecodingOptions() => new()
    {
        MaxBatchSize = MaxBatchSize,
        MaxWait = MaxWait,
        Workers = Workers == 0 ? Environment.ProcessorCount : Workers,
    };
}
