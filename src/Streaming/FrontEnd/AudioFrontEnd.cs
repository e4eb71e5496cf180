namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Audio at the input rate -> 16 kHz (resampled unless already 16 kHz) -> [endpointing] -> Kaldi
/// fbank -> [level normalisation] -> CMVN, appended to <see cref="Features"/>, cut into <see cref="Segments"/>.
/// </summary>
/// <remarks>
/// Without endpointing the stream is one segment from sample 0 to InputFinished. With it, each 10 ms
/// frame on the stream's grid is classified by <see cref="EnergyVad"/> (or <see cref="SileroVad"/>) and the endpoint rules of
/// <see cref="EndpointOptions"/> open and close segments; a segment's filterbank and level peak start
/// afresh at its first sample, so its features equal those of its audio decoded alone. Decisions are
/// made on whole frames in stream order, so they do not depend on how the audio was chunked.
/// With <c>deferVad</c> (a session's front end), Silero's windows are only queued as audio arrives and
/// the frames wait: whoever steps the session runs the windows (stacked across streams by
/// <see cref="SileroBatch"/>) and then <see cref="Resolve"/> applies the endpoint rules to the waiting frames,
/// with the same decisions as at once.
/// Holds at most one 25 ms window of samples, the leading-padding ring and the filter's tail; features
/// wait in the queue until the model consumes them.
/// </remarks>
internal sealed class AudioFrontEnd : IDisposable
{
    /// <summary>10 ms at 16 kHz: the unit of voice activity and of every endpoint rule.</summary>
    public const int FrameSamples = KaldiFbank.WindowShift;

    private const int SamplesPerMs = KaldiFbank.SampleRate / 1000;

    private readonly StreamingResampler? _resampler;
    private readonly KaldiFbank _fbank;
    private readonly LevelNormalizer? _level; // null: the bundle has no level normalisation
    private readonly Cmvn _cmvn;
    private readonly Queue<FrontEndSegment> _segments = new();

    // Endpointing (null/unused when disabled).
    private readonly EndpointOptions? _endpoint;
    private readonly ISpeechDetector? _vad;
    private readonly SileroVad? _deferred; // deferVad with Silero: frames wait for their windows to run
    private readonly Queue<(float[] Samples, long Start)> _waiting = new();
    private readonly Stack<float[]> _spareFrames = new();
    private readonly bool _singleUtterance;
    private readonly float[] _frame = new float[FrameSamples];
    private readonly float[] _ring = []; // the last LeadingPaddingMs of whole frames, for a segment's leading padding
    private int _frameFill;
    private long _frameStart; // stream sample where _frame begins
    private int _ringHead; // next frame slot to write
    private int _ringFrames;
    private long _minStart; // a new segment may not start before the previous one's end
    private FrontEndSegment? _open;
    private long _speechSamples;
    private long _lastSpeechEnd;
    private long _trailingSilence;
    private bool _finishWaiting; // Finish came while frames waited: it completes in Resolve

    /// <param name="deferVad">With Silero: queue its windows and let the frames wait for <see cref="Resolve"/>.</param>
    public AudioFrontEnd(int inputSampleRate, Cmvn cmvn, EndpointOptions? endpoint = null, bool singleUtterance = false, bool deferVad = false)
    {
        InputSampleRate = inputSampleRate;
        _cmvn = cmvn;
        _fbank = new KaldiFbank(cmvn.Dim);
        _level = cmvn.CreateLevelNormalizer();
        _resampler = inputSampleRate == KaldiFbank.SampleRate ? null : new StreamingResampler(inputSampleRate, KaldiFbank.SampleRate);
        Features = new FeatureQueue(cmvn.Dim);
        _singleUtterance = singleUtterance;
        if (endpoint is { Enabled: true })
        {
            _endpoint = endpoint;
            _vad = endpoint.SileroVad is { } silero
                ? silero.CreateDetector(endpoint.SileroThreshold, endpoint.SileroNegThreshold)
                : new EnergyVad(endpoint);
            _ring = new float[endpoint.LeadingPaddingMs / 10 * FrameSamples];
            _deferred = deferVad ? _vad as SileroVad : null;
        }
        else
        {
            OpenSegment(0); // the whole stream is one segment
        }
    }

    public int InputSampleRate { get; }

    /// <summary>CMVN-normalised feature rows not yet consumed, segment after segment.</summary>
    public FeatureQueue Features { get; }

    /// <summary>Segments whose rows are not all consumed yet, oldest first; the last may still be open.</summary>
    public Queue<FrontEndSegment> Segments => _segments;

    public long InputSamples { get; private set; }

    /// <summary>16 kHz samples of the whole stream so far.</summary>
    public long ModelSamples { get; private set; }

    /// <summary><see cref="Finish"/> was called.</summary>
    public bool Finished { get; private set; }

    /// <summary>Silero with windows queued and not run yet (deferred mode): a batch may run them before <see cref="Resolve"/>.</summary>
    public SileroVad? PendingVad => _deferred is { PendingWindows: > 0 } ? _deferred : null;

    /// <summary>Single utterance: the first segment ended; audio is ignored from then on.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The session ends with its first segment.</summary>
    public bool SingleUtterance => _singleUtterance;

    public void Accept(ReadOnlySpan<float> samples)
    {
        if (Finished)
        {
            throw new InvalidOperationException("Input already finished.");
        }

        InputSamples += samples.Length;
        if (Stopped)
        {
            return;
        }

        Feed(_resampler is null ? samples : _resampler.Process(samples));
    }

    /// <summary>End of input: flushes the resampler's tail, then closes the open segment.</summary>
    public void Finish()
    {
        if (Finished)
        {
            return;
        }

        Finished = true;
        if (Stopped)
        {
            return;
        }

        if (_resampler is not null)
        {
            Feed(_resampler.Flush());
        }

        if (_endpoint is null)
        {
            Close(ModelSamples, SegmentEndReason.InputFinished, dropped: false);
            return;
        }

        if (_deferred is not null)
        {
            _finishWaiting = true; // after the waiting frames
            return;
        }

        FinishEndpointing();
    }

    /// <summary>
    /// Deferred mode: runs the windows no batch ran, then the endpoint rules over the waiting frames (and a
    /// Finish that waited for them). Nothing to do otherwise.
    /// </summary>
    public void Resolve()
    {
        if (_deferred is null)
        {
            return;
        }

        _deferred.RunPending();
        while (_waiting.TryDequeue(out var frame))
        {
            if (!Stopped)
            {
                OnFrame(frame.Samples, frame.Start, _deferred.SpeechAt(frame.Start + FrameSamples));
                PushRing(frame.Samples);
            }

            _spareFrames.Push(frame.Samples);
        }

        if (_finishWaiting)
        {
            _finishWaiting = false;
            FinishEndpointing();
        }
    }

    /// <summary>A single utterance ended before its segment did (the runaway guard): every queued row is dropped and later audio ignored.</summary>
    public void Stop()
    {
        Stopped = true;
        _finishWaiting = false;
        _open = null;
        Features.Consume(Features.Count);
        _segments.Clear();
    }

    /// <summary>Releases the speech detector's native buffers (Silero's).</summary>
    public void Dispose() => _vad?.Dispose();

    /// <summary>The model read <paramref name="rows"/> rows of the head segment (or drops them).</summary>
    public void Consume(FrontEndSegment head, int rows)
    {
        Features.Consume(rows);
        head.RowsConsumed += rows;
    }

    private void Feed(ReadOnlySpan<float> samples16k)
    {
        ModelSamples += samples16k.Length;
        if (_endpoint is null)
        {
            Append(samples16k);
            _open!.RowsAllowed = _open.RowsAppended;
            return;
        }

        while (!samples16k.IsEmpty && !Stopped)
        {
            int take = Math.Min(FrameSamples - _frameFill, samples16k.Length);
            samples16k[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            samples16k = samples16k[take..];
            if (_frameFill == FrameSamples)
            {
                if (_deferred is not null)
                {
                    _deferred.Push(_frame);
                    var waiting = _spareFrames.Count > 0 ? _spareFrames.Pop() : new float[FrameSamples];
                    _frame.CopyTo(waiting, 0);
                    _waiting.Enqueue((waiting, _frameStart));
                }
                else
                {
                    OnFrame(_frame, _frameStart, _vad!.IsSpeech(_frame));
                    PushRing(_frame);
                }

                _frameStart += FrameSamples;
                _frameFill = 0;
            }
        }
    }

    /// <summary>The partial last frame and the open segment's end, once every whole frame has been judged.</summary>
    private void FinishEndpointing()
    {
        if (Stopped)
        {
            return;
        }

        if (_frameFill > 0)
        {
            var partial = _frame.AsSpan(0, _frameFill);
            OnFrame(partial, _frameStart, _vad!.IsSpeech(partial));
        }

        if (_open is not null)
        {
            Close(EndOfSegmentAudio(_frameStart + _frameFill), SegmentEndReason.InputFinished, dropped: !HasSpeech());
        }
    }

    /// <summary>The endpoint rules for one frame (whole, or the partial last one at the end) starting at stream sample <paramref name="frameStart"/>.</summary>
    private void OnFrame(ReadOnlySpan<float> frame, long frameStart, bool speech)
    {
        var o = _endpoint!;
        long frameEnd = frameStart + frame.Length;
        if (_open is null)
        {
            if (!speech)
            {
                return;
            }

            // Leading padding: the most recent whole frames, not reaching back into the previous segment.
            int pad = (int)Math.Min(_ringFrames, (frameStart - _minStart) / FrameSamples);
            OpenSegment(frameStart - ((long)pad * FrameSamples));
            int ringCapacity = _ring.Length / FrameSamples;
            for (int i = pad; i > 0; i--)
            {
                int slot = (_ringHead - i + ringCapacity) % ringCapacity;
                Append(_ring.AsSpan(slot * FrameSamples, FrameSamples));
            }
        }

        Append(frame);
        if (speech)
        {
            _speechSamples += frame.Length;
            _lastSpeechEnd = frameEnd;
            _trailingSilence = 0;
        }
        else
        {
            _trailingSilence += frame.Length;
        }

        var open = _open!;
        open.RowsAllowed = KaldiFbank.FrameCount(EndOfSegmentAudio(frameEnd) - open.StartSample);
        bool hasSpeech = HasSpeech();
        if (!hasSpeech && _trailingSilence >= (long)o.Rule1MinTrailingSilenceMs * SamplesPerMs)
        {
            Close(EndOfSegmentAudio(frameEnd), SegmentEndReason.TrailingSilence, dropped: true);
        }
        else if (hasSpeech && _trailingSilence >= (long)o.Rule2MinTrailingSilenceMs * SamplesPerMs)
        {
            Close(EndOfSegmentAudio(frameEnd), SegmentEndReason.TrailingSilence, dropped: false);
        }
        else if (EndOfSegmentAudio(frameEnd) - open.OpenSample >= (long)o.MaxSegmentMs * SamplesPerMs)
        {
            // Measured on the audio the segment would keep: held-back silence is rule 2's business.
            Close(EndOfSegmentAudio(frameEnd), SegmentEndReason.MaxSegmentLength, dropped: false);
        }
    }

    /// <summary>Where the open segment's audio ends if it ended now: trailing silence counts only up to the padding.</summary>
    private long EndOfSegmentAudio(long now) =>
        _endpoint is null ? now : Math.Min(now, _lastSpeechEnd + ((long)_endpoint.TrailingPaddingMs * SamplesPerMs));

    private bool HasSpeech() => _speechSamples >= (long)_endpoint!.MinSpeechMs * SamplesPerMs;

    private void OpenSegment(long startSample)
    {
        _open = new FrontEndSegment(startSample);
        _segments.Enqueue(_open);
        _speechSamples = 0;
        _trailingSilence = 0;
        _lastSpeechEnd = startSample;
    }

    private void Close(long endSample, SegmentEndReason reason, bool dropped)
    {
        var open = _open!;
        open.EndSample = endSample;
        open.RowsAllowed = KaldiFbank.FrameCount(open.LengthSamples);
        open.Reason = reason;
        open.Dropped = dropped;
        open.Closed = true;
        _open = null;
        _minStart = endSample;
        _fbank.Reset();
        _level?.Reset();
        if (_singleUtterance && !dropped)
        {
            open.EndsSession = true;
            Stopped = true;
        }
    }

    private void Append(ReadOnlySpan<float> samples16k)
    {
        int added = _fbank.Accept(samples16k, Features);
        for (int i = Features.Count - added; i < Features.Count; i++)
        {
            var row = Features.Row(i);
            _level?.Apply(row);
            _cmvn.Apply(row);
        }

        _open!.RowsAppended += added;
    }

    private void PushRing(ReadOnlySpan<float> frame)
    {
        int capacity = _ring.Length / FrameSamples;
        if (capacity == 0)
        {
            return;
        }

        frame.CopyTo(_ring.AsSpan(_ringHead * FrameSamples, FrameSamples));
        _ringHead = (_ringHead + 1) % capacity;
        _ringFrames = Math.Min(_ringFrames + 1, capacity);
    }
}
