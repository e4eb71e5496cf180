using LeaPformer.Streaming.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// One stream's model: encoder, cross-attention update and decoder steps over that stream's states,
/// with every input and output in pinned buffers allocated once.
/// </summary>
internal sealed class ModelStepper : IDisposable
{
    private readonly ModelMetadata _meta;
    private readonly RunOptions _runOptions = new();
    private readonly GraphRunner _encoder;
    private readonly GraphRunner _cross;
    private readonly GraphRunner _decoder;

    // Encoder input: one pre-decision unit, (1, 4P, 80); output: (1, P, d_model). Reused every unit.
    private readonly float[] _features;
    private readonly float[] _frames;
    private readonly OrtValue _featuresValue;
    private readonly OrtValue _framesValue;

    // Decoder: token and pos (1), logits (1, vocab).
    private readonly long[] _token = new long[1];
    private readonly long[] _pos = new long[1];
    private readonly float[] _logits;
    private readonly OrtValue _tokenValue;
    private readonly OrtValue _posValue;
    private readonly OrtValue _logitsValue;
    private bool _disposed;

    /// <param name="preallocateStates">False: let ORT allocate every new state, as the softmax baseline requires (for tests).</param>
    public ModelStepper(ModelBundle bundle, bool preallocateStates = true)
    {
        _meta = bundle.Metadata;
        var graphs = bundle.Graphs;
        _encoder = new GraphRunner(graphs.Encoder, [OnnxGraphs.EncoderInput], [OnnxGraphs.EncoderOutput], preallocateStates);
        _cross = new GraphRunner(graphs.Cross, [OnnxGraphs.CrossInput], [], preallocateStates);
        _decoder = new GraphRunner(
            graphs.Decoder, [OnnxGraphs.DecoderToken, OnnxGraphs.DecoderPos], [OnnxGraphs.DecoderOutput], preallocateStates, _cross.States, graphs.DecoderCrossStates);

        int unit = _meta.FeatureFramesPerUnit;
        _features = new float[unit * _meta.FeatureDim];
        _frames = new float[_meta.PreDecision * _meta.DModel];
        _featuresValue = OrtValue.CreateTensorValueFromMemory(_features, [1, unit, _meta.FeatureDim]);
        _framesValue = OrtValue.CreateTensorValueFromMemory(_frames, [1, _meta.PreDecision, _meta.DModel]);

        _logits = new float[_meta.VocabSize];
        _tokenValue = OrtValue.CreateTensorValueFromMemory(_token, [1]);
        _posValue = OrtValue.CreateTensorValueFromMemory(_pos, [1]);
        _logitsValue = OrtValue.CreateTensorValueFromMemory(_logits, [1, _meta.VocabSize]);
        _encoder.BindData([_featuresValue], [_framesValue]);
        _cross.BindData([_framesValue], []);
        _decoder.BindData([_tokenValue, _posValue], [_logitsValue]);
    }

    /// <summary>True when every state has a fixed size, so this stream can be stacked into a batch.</summary>
    public bool CanBatch => _encoder.States.IsFixedSize && _cross.States.IsFixedSize && _decoder.States.IsFixedSize;

    internal GraphRunner Encoder => _encoder;

    internal GraphRunner Cross => _cross;

    internal GraphRunner Decoder => _decoder;

    /// <summary>Floats held in recurrent states: constant over a stream for LeaP bundles.</summary>
    public long StateElementCount => _encoder.States.ElementCount() + _cross.States.ElementCount() + _decoder.States.ElementCount();

    /// <summary>
    /// Encodes <paramref name="featureFrames"/> CMVN feature rows (a multiple of 4, at most one unit),
    /// feeds the resulting encoder frames to the cross-attention update, and returns those frames
    /// ((featureFrames / 4) x d_model, valid until the next call).
    /// </summary>
    public ReadOnlySpan<float> EncodeAndRead(ReadOnlySpan<float> features, int featureFrames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int dim = _meta.FeatureDim;
        int unit = _meta.FeatureFramesPerUnit;
        if (featureFrames <= 0 || featureFrames > unit || featureFrames % _meta.Subsampling != 0 || features.Length != featureFrames * dim)
        {
            throw new ArgumentException($"Expected 1..{unit} whole groups of {_meta.Subsampling} feature frames, got {featureFrames}.");
        }

        int encoderFrames = featureFrames / _meta.Subsampling;
        features.CopyTo(_features);
        if (featureFrames == unit)
        {
            Encode(_featuresValue, _framesValue);
        }
        else
        {
            // The end-of-segment remainder: a shorter chunk once per segment, so temporary tensors are fine here.
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _features.AsMemory(0, featureFrames * dim), [1, featureFrames, dim]);
            using var frames = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, _frames.AsMemory(0, encoderFrames * _meta.DModel), [1, encoderFrames, _meta.DModel]);
            try
            {
                Encode(x, frames);
            }
            finally
            {
                // Back to the bound buffers, so the next unit takes the allocation-free path again.
                _encoder.SetInput(0, _featuresValue);
                _encoder.SetOutput(0, _framesValue);
                _cross.SetInput(0, _framesValue);
            }
        }

        return _frames.AsSpan(0, encoderFrames * _meta.DModel);
    }

    /// <summary>
    /// One decoder step predicting token <paramref name="pos"/> after <paramref name="previous"/>; returns the argmax
    /// (first index wins ties). The new self-attention states stay pending: <see cref="CommitDecoderStep"/> keeps
    /// them, the next step without it drops them.
    /// </summary>
    public int DecodeStep(int previous, int pos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _token[0] = previous;
        _pos[0] = pos;
        _decoder.Run(_runOptions);
        return ArgMax(_logits);
    }

    public void CommitDecoderStep() => _decoder.Commit();

    /// <summary>Copies this stream's decoder inputs (its own states, and the cross states it reads) into row <paramref name="row"/> of a stacked step.</summary>
    public void StackDecoderStates(BatchBuffer[] states, BatchBuffer[] crossStates, int[] crossMap, int row)
    {
        _decoder.States.StackCurrent(states, row);
        _cross.States.StackCurrent(crossStates, row, crossMap);
    }

    /// <summary>Row <paramref name="row"/> of a stacked decoder step's new states, pending as after <see cref="DecodeStep"/>.</summary>
    public void TakeDecoderStates(BatchBuffer[] next, int row) => _decoder.TakeStacked(next, row);

    /// <summary>Copies this stream's encoder states into row <paramref name="row"/> of a stacked step.</summary>
    public void StackEncoderStates(BatchBuffer[] states, int row) => _encoder.States.StackCurrent(states, row);

    /// <summary>Row <paramref name="row"/> of a stacked encoder step's new states, committed.</summary>
    public void TakeEncoderStates(BatchBuffer[] next, int row)
    {
        _encoder.TakeStacked(next, row);
        _encoder.Commit();
    }

    /// <summary>Copies this stream's cross-attention states into row <paramref name="row"/> of a stacked step.</summary>
    public void StackCrossStates(BatchBuffer[] states, int row) => _cross.States.StackCurrent(states, row);

    /// <summary>Row <paramref name="row"/> of a stacked cross step's new states, committed.</summary>
    public void TakeCrossStates(BatchBuffer[] next, int row)
    {
        _cross.TakeStacked(next, row);
        _cross.Commit();
    }

    /// <summary>All states back to zero: the start of a new segment.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _encoder.Reset();
        _cross.Reset();
        _decoder.Reset();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _encoder.Dispose();
        _cross.Dispose();
        _decoder.Dispose();
        _featuresValue.Dispose();
        _framesValue.Dispose();
        _tokenValue.Dispose();
        _posValue.Dispose();
        _logitsValue.Dispose();
        _runOptions.Dispose();
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private void Encode(OrtValue features, OrtValue frames)
    {
        _encoder.SetInput(0, features);
        _encoder.SetOutput(0, frames);
        _encoder.Run(_runOptions);
        _encoder.Commit();
        _cross.SetInput(0, frames);
        _cross.Run(_runOptions);
        _cross.Commit();
    }
}
