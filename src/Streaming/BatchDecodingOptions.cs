namespace LeaPformer.Streaming;

/// <summary>
/// How <see cref="BatchDecodingService"/> groups sessions. The server binds it from its "Batching"
/// section (docs/operations.md); the defaults are the server's.
/// </summary>
/// <remarks>
/// <see cref="MaxBatchSize"/> 32 = the server's default Streaming:MaxConcurrentStreams, so every stream
/// of a full server fits one batch. <see cref="MaxWait"/> 0: a worker takes whatever sessions are
/// waiting when it is free and never waits for more; under load the queue fills while a batch runs,
/// so batches form anyway, and with a few streams waiting only adds latency (measured: one unpaced
/// stream ran at a real-time factor of 0.046 with 2 ms and 0.008 with 0; docs/benchmarks.md).
/// <see cref="Workers"/> 0 = one per CPU, so a server with few streams still uses every core (each
/// worker keeps batch buffers of its own: tens of MB at 32 rows).
/// </remarks>
public sealed record BatchDecodingOptions
{
    /// <summary>The most <see cref="Workers"/> accepted.</summary>
    public const int MaxWorkers = 1024;

    /// <summary>The longest <see cref="MaxWait"/> accepted.</summary>
    public static readonly TimeSpan MaxMaxWait = TimeSpan.FromSeconds(1);

    /// <summary>Sessions per batch (and per ONNX call) at most; 1..<see cref="TranslationEngine.MaxBatchSizeLimit"/>.</summary>
    public int MaxBatchSize { get; init; } = TranslationEngine.DefaultMaxBatchSize;

    /// <summary>
    /// How long a worker waits for more sessions after the first one arrived, before it runs a batch that
    /// is not full; 0..1 s. Zero: run whatever is queued at once (requests that arrive while a batch runs
    /// form the next one).
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.Zero;

    /// <summary>Batches that run at once, each on its own thread-pool thread; 0 = one per CPU (<see cref="Environment.ProcessorCount"/>).</summary>
    public int Workers { get; init; }

    /// <summary>Every value these options refuse (empty when all are usable).</summary>
    public IReadOnlyList<OptionProblem> Problems() => new OptionRules()
        .Range(MaxBatchSize, nameof(MaxBatchSize), 1, TranslationEngine.MaxBatchSizeLimit)
        .Require(MaxWait >= TimeSpan.Zero && MaxWait <= MaxMaxWait, nameof(MaxWait), MaxWait, "must be 00:00:00..00:00:01")
        .Require(Workers is >= 0 and <= MaxWorkers, nameof(Workers), Workers, $"must be 0 (one per CPU)..{MaxWorkers}")
        .Problems;

    /// <summary>These options with <see cref="Workers"/> 0 made the CPU count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value out of range (ParamName = the property).</exception>
    internal BatchDecodingOptions Resolve()
    {
        OptionProblem.ThrowIfAny(Problems());
        return Workers == 0 ? this with { Workers = Environment.ProcessorCount } : this;
    }
}
