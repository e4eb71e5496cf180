using LeaPformer.Streaming.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// The model half of a step for several streams at once, as sherpa-onnx's model does for
/// DecodeStreams: stacks the streams' fixed-size states along axis N, runs one ONNX call per graph
/// (encoder, then cross on the encoder's stacked frames, or the decoder), and unstacks the new states
/// into each stream, exactly as a step of that stream alone would leave them.
/// </summary>
/// <remarks>
/// Every buffer is allocated up front for <see cref="Capacity"/> rows; a step allocates nothing. Only
/// <see cref="ModelStepper.CanBatch"/> streams can be stacked.
/// </remarks>
internal sealed class StackedSteps : IDisposable
{
    private readonly RunOptions _runOptions = new();
    private readonly List<BatchBuffer> _buffers = [];

    private readonly BatchBuffer _x;
    private readonly BatchBuffer[] _encIn;
    private readonly BatchBuffer[] _encOut;
    private readonly BatchGraph _encoder;

    private readonly BatchBuffer[] _crossIn;
    private readonly BatchBuffer[] _crossOut;
    private readonly BatchGraph _cross;

    private readonly BatchBuffer _token;
    private readonly BatchBuffer _pos;
    private readonly BatchBuffer _logits;
    private readonly BatchBuffer[] _decIn;
    private readonly BatchBuffer[] _decOut;
    private readonly BatchBuffer[] _decCross;
    private readonly int[] _decCrossMap;
    private readonly BatchGraph _decoder;
    private readonly int[] _argmax;

    public StackedSteps(ModelBundle bundle, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (!bundle.Metadata.HasFixedSizeStates)
        {
            throw new InvalidOperationException("Only bundles with fixed-size (LeaP) states can be stacked.");
        }

        Capacity = capacity;
        _argmax = new int[capacity];
        var m = bundle.Metadata;
        var g = bundle.Graphs;

        _x = Buffer(OnnxGraphs.EncoderInput, TensorElementType.Float, [m.FeatureFramesPerUnit, m.FeatureDim]);
        var frames = Buffer(OnnxGraphs.EncoderOutput, TensorElementType.Float, [m.PreDecision, m.DModel]);
        (_encIn, _encOut) = StateBuffers(g.Encoder.States);
        _encoder = new BatchGraph(g.Encoder, capacity, [_x, .. _encIn], [frames, .. _encOut]);

        (_crossIn, _crossOut) = StateBuffers(g.Cross.States);
        _cross = new BatchGraph(g.Cross, capacity, [frames, .. _crossIn], [.. _crossOut]);

        _token = Buffer(OnnxGraphs.DecoderToken, TensorElementType.Int64, []);
        _pos = Buffer(OnnxGraphs.DecoderPos, TensorElementType.Int64, []);
        _logits = Buffer(OnnxGraphs.DecoderOutput, TensorElementType.Float, [m.VocabSize]);
        (_decIn, _decOut) = StateBuffers(g.Decoder.States);
        _decCross = [.. g.Decoder.ReadOnlyStates.Select(s => Buffer(s.Name, TensorElementType.Float, RowShape(s)))];
        _decCrossMap = g.DecoderCrossStates;
        _decoder = new BatchGraph(g.Decoder, capacity, [_token, _pos, .. _decIn, .. _decCross], [_logits, .. _decOut]);
    }

    /// <summary>Streams per ONNX call at most.</summary>
    public int Capacity { get; }

    /// <summary>The argmax of each row of the last <see cref="RunDecoders"/>.</summary>
    public ReadOnlySpan<int> DecodedTokens => _argmax;

    /// <summary>
    /// The decoder step each of <paramref name="count"/> sessions asked for (<see cref="TranslationSession.StepPrevious"/>,
    /// <see cref="TranslationSession.StepPos"/>), in one call: each session's new decoder states are left pending
    /// and its argmax in <see cref="DecodedTokens"/>.
    /// </summary>
    public void RunDecoders(IReadOnlyList<TranslationSession> sessions, int start, int count)
    {
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            _token.LongRow(b)[0] = s.StepPrevious;
            _pos.LongRow(b)[0] = s.StepPos;
            s.Model.StackDecoderStates(_decIn, _decCross, _decCrossMap, b);
        }

        _decoder.Run(count, _runOptions);
        for (int b = 0; b < count; b++)
        {
            sessions[start + b].Model.TakeDecoderStates(_decOut, b);
            _argmax[b] = ModelStepper.ArgMax(_logits.FloatRow(b));
        }
    }

    /// <summary>The encoder + cross step over a whole unit for <paramref name="count"/> sessions, in one call per graph; the new states are committed.</summary>
    public void RunEncoders(IReadOnlyList<TranslationSession> sessions, int start, int count)
    {
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            s.StepFeatures.CopyTo(_x.FloatRow(b));
            s.Model.StackEncoderStates(_encIn, b);
        }

        _encoder.Run(count, _runOptions);
        for (int b = 0; b < count; b++)
        {
            var model = sessions[start + b].Model;
            model.TakeEncoderStates(_encOut, b);
            model.StackCrossStates(_crossIn, b);
        }

        _cross.Run(count, _runOptions); // reads the encoder's stacked frames in place
        for (int b = 0; b < count; b++)
        {
            sessions[start + b].Model.TakeCrossStates(_crossOut, b);
        }
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _cross.Dispose();
        _decoder.Dispose();
        foreach (var b in _buffers)
        {
            b.Dispose();
        }

        _runOptions.Dispose();
    }

    private BatchBuffer Buffer(string name, TensorElementType type, long[] rowShape)
    {
        var buffer = new BatchBuffer(name, type, rowShape, Capacity);
        _buffers.Add(buffer);
        return buffer;
    }

    private (BatchBuffer[] In, BatchBuffer[] Out) StateBuffers(IReadOnlyList<StateSpec> states)
    {
        var input = new BatchBuffer[states.Count];
        var output = new BatchBuffer[states.Count];
        for (int i = 0; i < states.Count; i++)
        {
            input[i] = Buffer(states[i].Name, TensorElementType.Float, RowShape(states[i]));
            output[i] = Buffer(states[i].OutputName!, TensorElementType.Float, RowShape(states[i]));
        }

        return (input, output);
    }

    private static long[] RowShape(StateSpec spec) => spec.InitialShape(1)[1..];
}
