using LeaPformer.Streaming;

namespace LeaPformer.Server.Options;

/// <summary>
/// The server's own key of the "Batching" section: whether streams that need model steps at the same
/// moment run them together, their states stacked into one ONNX call per graph
/// (<see cref="BatchDecodingService"/>). Tokens, delays and segments are exactly those of each stream
/// decoded alone; only the throughput changes. The rest of the section (MaxBatchSize, MaxWait,
/// Workers) binds to the runtime's <see cref="BatchDecodingOptions"/>, which defines and checks them.
/// </summary>
/// <remarks>
/// On by default: the server exists to serve many streams at once, and one stacked call for N streams
/// costs far less than N calls of batch 1 (the per-call overhead of ONNX Runtime dominates a 40 ms-frame
/// step of a small model). What it costs a stream is a hand-off to a worker thread.
/// </remarks>
public sealed class BatchingOptions
{
    public const string SectionName = "Batching";

    /// <summary>False: each stream runs its own model calls on its own request thread.</summary>
    public bool Enabled { get; set; } = true;
}
