using System.Buffers.Binary;
using LeaPformer.Policy;
using LeaPformer.Streaming.Decoding;
using LeaPformer.Streaming.FrontEnd;

namespace LeaPformer.Streaming;

/// <summary>
/// One audio stream being translated. Used by one thread at a time; holds only this stream's
/// state (fixed size for LeaP bundles), never the whole audio.
/// </summary>
/// <remarks>
/// Accept* only runs the front end (resampling, endpointing, fbank, CMVN; Silero's windows are queued);
/// <see cref="Decode"/> runs the speech detector's windows and the model. The encoder always sees whole pre-decision units of 4P feature frames (280 ms at P = 7), so
/// the tokens and their delays do not depend on how the audio was chunked.
/// The session itself runs no model: it holds the front end, the model states, the wait-k loop's
/// position and the transcript, and says which step comes next (<see cref="Advance"/>) and takes its
/// result (Complete*). <see cref="BatchStepper"/> runs the steps, for this session alone
/// (<see cref="Decode"/>, a batch of one) or stacked with others (<see cref="TranslationEngine.DecodeBatch"/>).
/// </remarks>
public sealed class TranslationSession : IDisposable
{
    private readonly ModelBundle _bundle;
    private readonly AudioFrontEnd _frontEnd;
    private readonly ModelStepper _model;
    private readonly WaitKLoop _loop;
    private readonly SegmentTranscript _transcript;
    private BatchStepper? _stepper; // this session's batch of one, made on the first Decode
    private float[] _scratch = new float[4096];
    private int _stepRows; // feature rows of the encoder step Advance asked for
    private int _stepPrevious;
    private int _stepPos;
    private bool _completed;
    private bool _disposed;

    internal TranslationSession(
        ModelBundle bundle,
        WaitKPolicy policy,
        int inputSampleRate,
        bool preallocateStates = true,
        EndpointOptions? endpoint = null,
        bool singleUtterance = false,
        RunawayGuardOptions? guard = null)
    {
        _bundle = bundle;
        Policy = policy;
        _frontEnd = new AudioFrontEnd(inputSampleRate, bundle.Cmvn, endpoint, singleUtterance, deferVad: true);
        _model = new ModelStepper(bundle, preallocateStates);
        _loop = new WaitKLoop(policy, WaitKLoop.Settings.From(bundle.Metadata) with { Guard = guard ?? RunawayGuardOptions.Disabled });
        _transcript = new SegmentTranscript(bundle.Tokens);
    }

    /// <summary>What the decoding loop needs next.</summary>
    internal enum Step
    {
        /// <summary>Nothing until more audio arrives (or the session is completed).</summary>
        None,

        /// <summary>One decoder step: <see cref="StepPrevious"/>, <see cref="StepPos"/>.</summary>
        Decoder,

        /// <summary>One encoder + cross step over a whole unit of <see cref="StepFeatures"/>.</summary>
        EncoderUnit,

        /// <summary>The shorter encoder + cross step at a segment's end.</summary>
        EncoderTail,
    }

    /// <summary>The wait-k lag in use (0 in the options resolved to the model default), or -1 when offline.</summary>
    public int WaitK => Policy.K;

    public int InputSampleRate => _frontEnd.InputSampleRate;

    /// <summary>ms of audio accepted so far, counted at the input sample rate.</summary>
    public long AudioMsAccepted => _frontEnd.InputSamples * 1000 / _frontEnd.InputSampleRate;

    /// <summary>True once <see cref="InputFinished"/> was called.</summary>
    public bool IsInputFinished => _frontEnd.Finished;

    /// <summary>True once the final update was produced; <see cref="Decode"/> has nothing more to do.</summary>
    /// <remarks>With endpointing, after InputFinished when every segment with speech has had its final update
    /// (possibly none), or after the single utterance ended.</remarks>
    public bool IsCompleted => _completed;

    internal ModelBundle Bundle => _bundle;

    internal WaitKPolicy Policy { get; }

    internal bool IsDisposed => _disposed;

    /// <summary>Committed token ids of the current segment.</summary>
    internal IReadOnlyList<int> TokenIds => _loop.Tokens;

    /// <summary>Exact delays in ms (fractional at the end of the source), as the golden files hold them.</summary>
    internal IReadOnlyList<double> DelaysMs => _loop.DelaysMs;

    internal int FramesRead => _loop.FramesRead;

    internal int SegmentIndex => _transcript.SegmentIndex;

    internal long StateElementCount => _model.StateElementCount;

    internal ModelStepper Model => _model;

    internal int StepPrevious => _stepPrevious;

    internal int StepPos => _stepPos;

    internal int StepRows => _stepRows;

    /// <summary>Silero windows this session's audio queued and no one has run yet (null if none).</summary>
    internal FrontEnd.SileroVad? PendingVad => _frontEnd.PendingVad;

    /// <summary>The features of the encoder step <see cref="Advance"/> asked for.</summary>
    internal ReadOnlySpan<float> StepFeatures => _frontEnd.Features.Peek(_stepRows);

    /// <summary>Scratch for <see cref="BatchStepper"/> (a session twice in one batch).</summary>
    internal long BatchStamp { get; set; }

    /// <summary>The reusable request of <see cref="BatchDecodingService"/>; one at a time per session.</summary>
    internal BatchDecodeRequest? BatchRequest { get; set; }

    /// <summary>Little-endian signed 16-bit PCM at <see cref="InputSampleRate"/>.</summary>
    /// <exception cref="ArgumentException">An odd number of bytes (the message is meant for the client that sent them).</exception>
    public void AcceptLinear16(ReadOnlySpan<byte> pcm)
    {
        if (pcm.Length % 2 != 0)
        {
            throw new ArgumentException($"The chunk has {pcm.Length} bytes; LINEAR16 needs whole 2-byte samples in every chunk.");
        }

        var samples = Scratch(pcm.Length / 2);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(2 * i, 2)) / 32768f; // int16 full scale -> [-1, 1)
        }

        AcceptWaveform(samples);
    }

    /// <summary>Little-endian IEEE float32 PCM in [-1, 1] at <see cref="InputSampleRate"/>.</summary>
    /// <exception cref="ArgumentException">A byte count not a multiple of 4, or a NaN or infinite sample.</exception>
    public void AcceptFloat32(ReadOnlySpan<byte> pcm)
    {
        if (pcm.Length % 4 != 0)
        {
            throw new ArgumentException($"The chunk has {pcm.Length} bytes; FLOAT32 needs whole 4-byte samples in every chunk.");
        }

        var samples = Scratch(pcm.Length / 4);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadSingleLittleEndian(pcm.Slice(4 * i, 4));
        }

        AcceptWaveform(samples);
    }

    /// <summary>Samples in [-1, 1] at <see cref="InputSampleRate"/>.</summary>
    /// <exception cref="ArgumentException">A NaN or infinite sample (nothing of the chunk is used).</exception>
    /// <exception cref="InvalidOperationException">After <see cref="InputFinished"/>.</exception>
    /// <remarks>Once a single utterance has ended (<see cref="SegmentUpdate.IsEndOfSingleUtterance"/>) audio is ignored.</remarks>
    public void AcceptWaveform(ReadOnlySpan<float> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                throw new ArgumentException($"Sample {i} of the chunk is {samples[i]}; samples must be finite (in [-1, 1]).");
            }
        }

        _frontEnd.Accept(samples);
    }

    /// <summary>No more audio: the next <see cref="Decode"/> reads the rest of the source and finishes the segment.</summary>
    public void InputFinished()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _frontEnd.Finish();
    }

    /// <summary>
    /// Runs every model step the input allows now and appends one update per committed token, then,
    /// at the end of each segment, the segment's final update (<see cref="SegmentUpdate.IsFinal"/>).
    /// The same steps as <see cref="TranslationEngine.DecodeBatch"/> with this session alone: a batch of one.
    /// </summary>
    /// <returns>How many updates were appended.</returns>
    public int Decode(List<SegmentUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stepper ??= new BatchStepper(_bundle, capacity: 1);
        return _stepper.Run(this, updates);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _model.Dispose();
        _frontEnd.Dispose();
        _stepper?.Dispose();
    }

    /// <summary>
    /// Does everything that needs no model (segment ends, final updates, resets) and says which model
    /// step comes next. Calling it again before that step completes asks for the same step.
    /// </summary>
    internal Step Advance(List<SegmentUpdate> updates)
    {
        var meta = _bundle.Metadata;
        _frontEnd.Resolve(); // the endpoint rules over frames that waited for their speech decisions
        while (!_completed)
        {
            if (_loop.TryGetStep(out _stepPrevious, out _stepPos))
            {
                return Step.Decoder;
            }

            if (!_frontEnd.Segments.TryPeek(out var segment))
            {
                _completed = _frontEnd.Finished || _frontEnd.Stopped;
                return Step.None;
            }

            if (_loop.StopReason != SegmentEndReason.None && !_loop.SourceDone)
            {
                CutSegment(segment, updates); // the runaway guard, with audio of the segment left to read
                continue;
            }

            if (_loop.SourceDone)
            {
                FinishSegment(segment, updates); // the loop ended: EOS, the token limit or the runaway guard
                continue;
            }

            int unit = meta.FeatureFramesPerUnit;
            if (segment.RowsReadable >= unit)
            {
                _stepRows = unit;
                return Step.EncoderUnit;
            }

            if (!segment.Closed)
            {
                return Step.None;
            }

            if ((segment.Dropped && _loop.Tokens.Count == 0) || (segment.IsRemainder && _loop.FramesRead == 0))
            {
                // Endpoint rule 1: noise, not speech; nothing was shown, so nothing is finished either.
                // Or what a runaway cut left of a segment is shorter than one source unit (280 ms: mostly the
                // trailing padding after the unit the guard stopped in): wait-k would translate it from nothing.
                _frontEnd.Consume(segment, checked((int)segment.RowsQueued));
                _frontEnd.Segments.Dequeue();
                StartSegment();
                continue;
            }

            // The remaining whole groups of 4 feature frames; the tail under 40 ms is dropped.
            int rest = (int)(segment.RowsReadable / meta.Subsampling * meta.Subsampling);
            if (rest > 0)
            {
                _stepRows = rest;
                return Step.EncoderTail;
            }

            // The sub-40 ms tail and the held-back silence past the segment's end are never read.
            _frontEnd.Consume(segment, checked((int)segment.RowsQueued));
            _loop.MarkSourceDone(segment.LengthSamples * 1000.0 / KaldiFbank.SampleRate);
        }

        return Step.None;
    }

    /// <summary>
    /// The argmax of the decoder step <see cref="Advance"/> asked for, whose new states are pending in the
    /// model: kept when the loop commits the token (then its update is appended), else dropped.
    /// </summary>
    internal void CompleteDecoderStep(int token, List<SegmentUpdate> updates)
    {
        if (!_loop.OnStepResult(token))
        {
            return;
        }

        _model.CommitDecoderStep();

        // One update per committed token, with its delay in whole ms of segment audio read.
        var segment = _frontEnd.Segments.Peek();
        updates.Add(_transcript.Token(token, segment.StartMs, (long)Math.Floor(_loop.DelaysMs[^1])));
    }

    /// <summary>The encoder + cross step <see cref="Advance"/> asked for has run (its states are committed).</summary>
    internal void CompleteEncoderStep()
    {
        _frontEnd.Consume(_frontEnd.Segments.Peek(), _stepRows);
        _loop.AddFrames(_stepRows / _bundle.Metadata.Subsampling);
    }

    private void FinishSegment(FrontEndSegment segment, List<SegmentUpdate> updates)
    {
        _frontEnd.Segments.Dequeue();
        var reason = _loop.StopReason != SegmentEndReason.None ? _loop.StopReason : segment.Reason;
        updates.Add(_transcript.Final(segment.StartMs, segment.EndSample * 1000 / KaldiFbank.SampleRate, reason, segment.EndsSession));
        if (segment.EndsSession || (_frontEnd.Finished && _frontEnd.Segments.Count == 0))
        {
            _completed = true; // the last segment's tokens stay readable (TokenIds, DelaysMs)
            return;
        }

        StartSegment();
    }

    /// <summary>
    /// The runaway guard ended the segment before its source was read: its final update ends where the
    /// model had read, and the rest of the front end's segment becomes the next segment (or, for a single
    /// utterance, the session ends). Where the guard fires depends only on the rows read, so the cut does
    /// not depend on chunking, and the front end's own segment boundaries do not move.
    /// </summary>
    private void CutSegment(FrontEndSegment segment, List<SegmentUpdate> updates)
    {
        long cutSample = segment.StartSample + (segment.RowsConsumed * KaldiFbank.WindowShift);
        bool endsSession = _frontEnd.SingleUtterance;
        updates.Add(_transcript.Final(segment.StartMs, cutSample * 1000 / KaldiFbank.SampleRate, _loop.StopReason, endsSession));
        if (endsSession)
        {
            _frontEnd.Stop();
            _completed = true;
            return;
        }

        segment.Cut();
        StartSegment();
    }

    /// <summary>Every state back to zero: the next segment is decoded as if it were the stream's first.</summary>
    private void StartSegment()
    {
        _model.Reset();
        _loop.Reset();
    }

    private Span<float> Scratch(int count)
    {
        if (_scratch.Length < count)
        {
            _scratch = new float[Math.Max(count, _scratch.Length * 2)];
        }

        return _scratch.AsSpan(0, count);
    }
}
