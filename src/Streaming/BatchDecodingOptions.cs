namespace LeaPformer.Streaming;

/// <summary>How <see cref="BatchDecodingService"/> groups sessions; bind from configuration if wanted.</summary>
public sealed record BatchDecodingOptions
{
    /// <summary>Sessions per batch (and per ONNX call) at most.</summary>
    public int MaxBatchSize { get; init; } = TranslationEngine.DefaultMaxBatchSize;

    /// <summary>
    /// How long a worker waits for more sessions after the first one arrived, before it runs a batch that
    /// is not full. Zero: run whatever is queued at once (requests that arrive while a batch runs form
    /// the next one). A few ms is nothing next to a 280 ms source unit.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Batches that run at once, each on its own thread-pool thread (up to the CPU count is useful).</summary>
    public int Workers { get; init; } = 1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBatchSize, TranslationEngine.MaxBatchSizeLimit, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWait, TimeSpan.Zero, nameof(MaxWait));
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
    }
}
