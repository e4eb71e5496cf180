using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using LeaPformer.Streaming.Onnx;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// Steps many sessions together, as sherpa-onnx's DecodeStreams does: each tick asks every session for
/// its next model step (<see cref="TranslationSession.Advance"/>), stacks the fixed-size states of the
/// sessions that need the same step along axis N, runs one ONNX call per graph (encoder, then cross
/// on the encoder's stacked frames, and the decoder), and unstacks the new states into each session.
/// Each session goes through exactly the steps it would alone, so its tokens and delays are the same.
/// </summary>
/// <remarks>
/// Used by one thread at a time (<see cref="TranslationEngine"/> pools them). Every buffer is allocated up
/// front for <see cref="Capacity"/> rows; a tick allocates nothing. Sessions whose states grow (softmax)
/// and the short encoder step at a segment's end run alone.
/// </remarks>
internal sealed class BatchScheduler : IDisposable
{
    private readonly ModelBundle _bundle;
    private readonly RunOptions _runOptions = new();
    private readonly List<TranslationSession> _active = [];
    private readonly List<TranslationSession> _decode = [];
    private readonly List<TranslationSession> _encode = [];
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
    private readonly int[] _decCrossMap; // decoder read-only input j reads cross state _decCrossMap[j]
    private readonly BatchGraph _decoder;
    private readonly int[] _argmax;
    // Shared by every scheduler: with several workers (one scheduler each), a per-scheduler
    // counter could give a session the stamp it already carries from another scheduler's batch.
    private static long s_stamp;
    private int _batch;

    public BatchScheduler(ModelBundle bundle, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (!bundle.Metadata.HasFixedSizeStates)
        {
            throw new InvalidOperationException("Only bundles with fixed-size (LeaP) states can be batched.");
        }

        _bundle = bundle;
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
        var readOnly = g.Decoder.ReadOnlyStates;
        _decCross = new BatchBuffer[readOnly.Count];
        _decCrossMap = new int[readOnly.Count];
        for (int j = 0; j < readOnly.Count; j++)
        {
            _decCross[j] = Buffer(readOnly[j].Name, TensorElementType.Float, RowShape(readOnly[j]));
            _decCrossMap[j] = IndexOf(g.Cross.States, readOnly[j].Name);
        }

        _decoder = new BatchGraph(g.Decoder, capacity, [_token, _pos, .. _decIn, .. _decCross], [_logits, .. _decOut]);
    }

    /// <summary>Sessions per ONNX call at most.</summary>
    public int Capacity { get; }

    /// <summary>The argmax of each row of the last <see cref="RunDecoders"/>.</summary>
    internal ReadOnlySpan<int> DecodedTokens => _argmax;

    /// <summary>
    /// Runs every step the sessions' input allows now, batching up to <paramref name="maxBatchSize"/>
    /// (at most <see cref="Capacity"/>) sessions per ONNX call; updates go to each session's outbox.
    /// Returns how many updates were made.
    /// </summary>
    public int Run(IReadOnlyList<TranslationSession> sessions, int maxBatchSize)
    {
        _batch = Math.Clamp(maxBatchSize, 1, Capacity);
        _active.Clear();
        long stamp = Interlocked.Increment(ref s_stamp);
        int before = 0;
        for (int i = 0; i < sessions.Count; i++)
        {
            var s = sessions[i] ?? throw new ArgumentException($"Session {i} is null.", nameof(sessions));
            ObjectDisposedException.ThrowIf(s.IsDisposed, s);
            if (!ReferenceEquals(s.Bundle, _bundle))
            {
                throw new ArgumentException($"Session {i} belongs to another model bundle.", nameof(sessions));
            }

            if (s.BatchStamp == stamp)
            {
                throw new ArgumentException($"Session {i} appears twice in the batch.", nameof(sessions));
            }

            s.BatchStamp = stamp;
            before += s.Outbox.Count;
        }

        for (int i = 0; i < sessions.Count; i++)
        {
            var s = sessions[i];
            if (s.Model.CanBatch)
            {
                _active.Add(s);
            }
            else
            {
                s.RunAlone(s.Outbox); // growing (softmax) states cannot be stacked
            }
        }

        while (_active.Count > 0)
        {
            Tick();
        }

        int after = 0;
        for (int i = 0; i < sessions.Count; i++)
        {
            after += sessions[i].Outbox.Count;
        }

        return after - before;
    }

    /// <summary>One decoder step for <paramref name="count"/> sessions whose <see cref="TranslationSession.Advance"/> said Decoder.</summary>
    internal void StepDecoders(List<TranslationSession> sessions, int start, int count)
    {
        RunDecoders(sessions, start, count);
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            s.CompleteDecoderStep(_argmax[b], s.Outbox); // keeps or drops the pending states, as after a step alone
        }
    }

    /// <summary>
    /// The model half of <see cref="StepDecoders"/>: stacks, runs and unstacks; each session's new decoder
    /// states are left pending and its argmax in <see cref="DecodedTokens"/>.
    /// </summary>
    internal void RunDecoders(List<TranslationSession> sessions, int start, int count)
    {
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            _token.LongRow(b)[0] = s.StepPrevious;
            _pos.LongRow(b)[0] = s.StepPos;
            var dec = s.Model.Decoder.States;
            for (int i = 0; i < _decIn.Length; i++)
            {
                dec.CurrentSpan(i).CopyTo(_decIn[i].FloatRow(b));
            }

            var cross = s.Model.Cross.States;
            for (int j = 0; j < _decCross.Length; j++)
            {
                cross.CurrentSpan(_decCrossMap[j]).CopyTo(_decCross[j].FloatRow(b));
            }
        }

        _decoder.Run(count, _runOptions);
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            var dec = s.Model.Decoder.States;
            for (int i = 0; i < _decOut.Length; i++)
            {
                _decOut[i].FloatRow(b).CopyTo(dec.NextSpan(i));
            }

            s.Model.Decoder.MarkPending();
            _argmax[b] = ModelStepper.ArgMax(_logits.FloatRow(b));
        }
    }

    /// <summary>One encoder + cross step over a whole unit for <paramref name="count"/> sessions whose Advance said EncoderUnit.</summary>
    internal void StepEncoders(List<TranslationSession> sessions, int start, int count)
    {
        RunEncoders(sessions, start, count);
        for (int b = 0; b < count; b++)
        {
            sessions[start + b].CompleteEncoderStep();
        }
    }

    /// <summary>The model half of <see cref="StepEncoders"/>: stacks, runs both graphs, unstacks and commits the new states.</summary>
    internal void RunEncoders(List<TranslationSession> sessions, int start, int count)
    {
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            s.StepFeatures.CopyTo(_x.FloatRow(b));
            var enc = s.Model.Encoder.States;
            for (int i = 0; i < _encIn.Length; i++)
            {
                enc.CurrentSpan(i).CopyTo(_encIn[i].FloatRow(b));
            }
        }

        _encoder.Run(count, _runOptions);
        for (int b = 0; b < count; b++)
        {
            var s = sessions[start + b];
            var encoder = s.Model.Encoder;
            for (int i = 0; i < _encOut.Length; i++)
            {
                _encOut[i].FloatRow(b).CopyTo(encoder.States.NextSpan(i));
            }

            encoder.MarkPending();
            encoder.Commit();
            var cross = s.Model.Cross.States;
            for (int i = 0; i < _crossIn.Length; i++)
            {
                cross.CurrentSpan(i).CopyTo(_crossIn[i].FloatRow(b));
            }
        }

        _cross.Run(count, _runOptions); // reads the encoder's stacked frames in place
        for (int b = 0; b < count; b++)
        {
            var cross = sessions[start + b].Model.Cross;
            for (int i = 0; i < _crossOut.Length; i++)
            {
                _crossOut[i].FloatRow(b).CopyTo(cross.States.NextSpan(i));
            }

            cross.MarkPending();
            cross.Commit();
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

    /// <summary>Asks every active session for its next step, then runs each kind of step batched.</summary>
    private void Tick()
    {
        _decode.Clear();
        _encode.Clear();
        int kept = 0;
        for (int i = 0; i < _active.Count; i++)
        {
            var s = _active[i];
            switch (s.Advance(s.Outbox))
            {
                case TranslationSession.Step.None:
                    continue; // waits for audio: out of this call
                case TranslationSession.Step.Decoder:
                    _decode.Add(s);
                    break;
                case TranslationSession.Step.EncoderUnit:
                    _encode.Add(s);
                    break;
                case TranslationSession.Step.EncoderTail:
                    // Once per segment and of its own length: not worth a batch of one shape.
                    s.RunEncoderAlone();
                    s.CompleteEncoderStep();
                    break;
            }

            _active[kept++] = s;
        }

        _active.RemoveRange(kept, _active.Count - kept);
        for (int start = 0; start < _decode.Count; start += _batch)
        {
            StepDecoders(_decode, start, Math.Min(_batch, _decode.Count - start));
        }

        for (int start = 0; start < _encode.Count; start += _batch)
        {
            StepEncoders(_encode, start, Math.Min(_batch, _encode.Count - start));
        }
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

    private static int IndexOf(IReadOnlyList<StateSpec> states, string name)
    {
        for (int i = 0; i < states.Count; i++)
        {
            if (states[i].Name == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"cross.onnx has no state '{name}' for the decoder.");
    }
}
