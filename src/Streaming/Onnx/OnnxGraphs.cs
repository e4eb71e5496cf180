namespace LeaPformer.Streaming.Onnx;

/// <summary>The encoder, cross and decoder graphs of a bundle; shared by all streams (InferenceSession.Run is thread-safe).</summary>
internal sealed class OnnxGraphs(GraphSpec encoder, GraphSpec cross, GraphSpec decoder) : IDisposable
{
    public const string EncoderInput = "x";
    public const string EncoderOutput = "frames";
    public const string CrossInput = "frames";
    public const string DecoderToken = "token";
    public const string DecoderPos = "pos";
    public const string DecoderOutput = "logits";

    public GraphSpec Encoder { get; } = encoder;

    public GraphSpec Cross { get; } = cross;

    public GraphSpec Decoder { get; } = decoder;

    /// <summary>Decoder read-only input j is cross.onnx's state DecoderCrossStates[j].</summary>
    public int[] DecoderCrossStates { get; } = decoder.ReadOnlySourceIndices(cross);

    public void Dispose()
    {
        Encoder.Dispose();
        Cross.Dispose();
        Decoder.Dispose();
    }
}
