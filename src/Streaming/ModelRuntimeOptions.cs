using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming;

/// <summary>How the ONNX Runtime sessions of a bundle are created.</summary>
/// <remarks>
/// One intra-op thread by default: a streaming step is tens of microseconds of small matrix work,
/// where thread hand-off costs more than it saves, and a server runs many streams in parallel anyway.
/// </remarks>
public sealed record ModelRuntimeOptions
{
    public static ModelRuntimeOptions Default { get; } = new();

    /// <summary>Threads inside one operator (ORT intra_op_num_threads). 1 = run on the caller's thread.</summary>
    public int IntraOpNumThreads { get; init; } = 1;

    /// <summary>Threads across independent operators (ORT inter_op_num_threads); only used in parallel execution mode.</summary>
    public int InterOpNumThreads { get; init; } = 1;

    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>ORT's memory-pattern planner (ORT default: on). It re-plans per input shape, so growing softmax caches only cost a re-plan.</summary>
    public bool EnableMemoryPattern { get; init; } = true;
}
