namespace LeaPformer.Benchmarks.LongContext;

/// <summary>What one bundle's session measured at one checkpoint (docs/benchmarks.md defines each column).</summary>
/// <param name="Reached">False when the bundle's --max-seconds budget ran out first; every measure is then NaN.</param>
/// <param name="ContextSeconds">Audio fed to the session, all of it decoded (one segment).</param>
/// <param name="FramesRead">Encoder frames (40 ms) read by cross-attention.</param>
/// <param name="Tokens">Tokens committed in the segment.</param>
/// <param name="DecoderStepUs">Median of N decoder steps run at exactly this context (same state, new states discarded).</param>
/// <param name="EncoderUnitUs">Median of N encoder + cross steps over one unit at exactly this context (states not committed).</param>
/// <param name="StateBytes">The session's recurrent state tensors: elements x 4 bytes.</param>
/// <param name="ManagedHeapBytes">GC heap after a full collection (the whole process).</param>
/// <param name="WorkingSetDeltaBytes">Process working set minus its value right after the session was created.</param>
/// <param name="StreamRtf">Decode time over audio time for the 10 s of audio before the checkpoint, as the stream ran (model, detokenizer, updates).</param>
/// <param name="ElapsedSeconds">Wall time since the bundle's session started.</param>
/// <param name="BatchedDecoderStepUs">
/// Fixed-size (LeaP) bundles only, else NaN: the median of N batched decoder ticks of <see cref="LongContextRunner.BatchRows"/>
/// rows, each row this stream's states at this context (one ONNX call, as the server's batching runs them), divided by the rows:
/// the cost of one stream's decoder step in a full batch.
/// </param>
internal sealed record CheckpointResult(
    string Bundle,
    string Attention,
    string Checkpoint,
    double CheckpointSeconds,
    bool Reached,
    double ContextSeconds,
    long FramesRead,
    long Tokens,
    double DecoderStepUs,
    double EncoderUnitUs,
    long StateBytes,
    long ManagedHeapBytes,
    long WorkingSetDeltaBytes,
    double StreamRtf,
    double ElapsedSeconds,
    double BatchedDecoderStepUs = double.NaN)
{
    public static CheckpointResult NotReached(string bundle, string attention, Checkpoint checkpoint) =>
        new(bundle, attention, checkpoint.Label, checkpoint.Seconds, false, double.NaN, 0, 0, double.NaN, double.NaN, 0, 0, 0, double.NaN, double.NaN);
}
