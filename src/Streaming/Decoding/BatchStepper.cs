using LeaPformer.Streaming.FrontEnd;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// The one way sessions are stepped, alone or many together (sherpa-onnx's DecodeStreams, where
/// Decode(s) is DecodeStreams(&amp;s, 1)): each tick asks every session for its next step
/// (<see cref="TranslationSession.Advance"/>), groups the sessions by step, runs each group, and hands the
/// results back (Complete*), until no session can step without more audio. A group of one runs on that
/// stream's own buffers (nothing to stack); a larger group runs stacked (<see cref="StackedSteps"/>).
/// Each session goes through exactly the steps it would alone, so its tokens and delays are the same
/// at any batch size. Before the ticks, the Silero windows the sessions' audio queued run stacked too
/// (<see cref="SileroBatch"/>), so the speech detector is batched across streams like the model.
/// </summary>
/// <remarks>
/// Used by one thread at a time (<see cref="TranslationEngine"/> pools them). The stacked buffers are made
/// on the first group of two or more; a tick allocates nothing. Sessions whose states grow (softmax)
/// and the short encoder step at a segment's end always run as groups of one.
/// </remarks>
internal sealed class BatchStepper(ModelBundle bundle, int capacity) : IDisposable
{
    // Shared by every stepper: with several workers (one stepper each), a per-stepper counter could
    // give a session the stamp it already carries from another stepper's batch.
    private static long s_stamp;

    private readonly Group _active = new(); // the sessions that may still step in this call
    private readonly Group _decode = new();
    private readonly Group _encode = new();
    private readonly Group _decodeAlone = new();
    private readonly Group _encodeAlone = new();
    private readonly List<SileroVad> _vads = [];
    private StackedSteps? _stacked;
    private SileroBatch? _vadBatch;
    private int _batch;
    private int _made;

    /// <summary>Sessions per ONNX call at most.</summary>
    public int Capacity { get; } = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Ticks run so far (each asks every active session for one step), for tests and diagnostics.</summary>
    public long Ticks { get; private set; }

    /// <summary>
    /// Runs every step the sessions' input allows now, up to <paramref name="maxBatchSize"/> (at most
    /// <see cref="Capacity"/>) sessions per ONNX call; session i's updates are appended to updates[i].
    /// </summary>
    /// <returns>How many updates were appended, over all sessions.</returns>
    public int Run(IReadOnlyList<TranslationSession> sessions, IReadOnlyList<List<SegmentUpdate>> updates, int maxBatchSize)
    {
        if (updates.Count != sessions.Count)
        {
            throw new ArgumentException($"{sessions.Count} sessions but {updates.Count} update lists.", nameof(updates));
        }

        long stamp = Interlocked.Increment(ref s_stamp);
        for (int i = 0; i < sessions.Count; i++)
        {
            var s = sessions[i] ?? throw new ArgumentException($"Session {i} is null.", nameof(sessions));
            Check(s, i);
            if (s.BatchStamp == stamp)
            {
                throw new ArgumentException($"Session {i} appears twice in the batch.", nameof(sessions));
            }

            s.BatchStamp = stamp;
        }

        for (int i = 0; i < sessions.Count; i++)
        {
            _active.Add(sessions[i], updates[i] ?? throw new ArgumentException($"The update list of session {i} is null.", nameof(updates)));
        }

        return RunActive(maxBatchSize);
    }

    /// <summary>Runs every step one session's input allows now: a batch of one.</summary>
    public int Run(TranslationSession session, List<SegmentUpdate> updates)
    {
        Check(session, 0);
        _active.Add(session, updates);
        return RunActive(1);
    }

    /// <summary>The stacked Silero runs (null until a batch had two streams with windows to run).</summary>
    internal SileroBatch? VadBatch => _vadBatch;

    public void Dispose()
    {
        _stacked?.Dispose();
        _vadBatch?.Dispose();
    }

    private void Check(TranslationSession session, int index)
    {
        ObjectDisposedException.ThrowIf(session.IsDisposed, session);
        if (!ReferenceEquals(session.Bundle, bundle))
        {
            throw new ArgumentException($"Session {index} belongs to another model bundle.", "sessions");
        }
    }

    private int RunActive(int maxBatchSize)
    {
        _batch = Math.Clamp(maxBatchSize, 1, Capacity);
        _made = 0;
        try
        {
            RunSpeechDetectors();
            while (_active.Count > 0)
            {
                Tick();
            }
        }
        finally
        {
            _active.Clear();
            _decode.Clear();
            _encode.Clear();
            _decodeAlone.Clear();
            _encodeAlone.Clear();
        }

        return _made;
    }

    /// <summary>
    /// The Silero windows the sessions' audio queued, stacked across sessions: round after round, the oldest
    /// pending window of every session that has one (a session's windows must run in order). A session left
    /// alone runs its own in <see cref="TranslationSession.Advance"/>.
    /// </summary>
    private void RunSpeechDetectors()
    {
        if (_batch < 2)
        {
            return;
        }

        while (true)
        {
            _vads.Clear();
            foreach (var s in _active.Sessions)
            {
                if (s.PendingVad is { } vad && (_vadBatch is null || ReferenceEquals(vad.Model, _vadBatch.Model)))
                {
                    _vads.Add(vad);
                }
            }

            if (_vads.Count < 2)
            {
                return; // one stream's windows gain nothing from a batch
            }

            _vadBatch ??= new SileroBatch(_vads[0].Model, Capacity);
            for (int start = 0; start < _vads.Count; start += _batch)
            {
                _vadBatch.Run(_vads, start, Math.Min(_batch, _vads.Count - start));
            }
        }
    }

    /// <summary>Asks every active session for its next step, then runs each kind of step in groups.</summary>
    private void Tick()
    {
        Ticks++;
        _decode.Clear();
        _encode.Clear();
        _decodeAlone.Clear();
        _encodeAlone.Clear();
        int kept = 0;
        for (int i = 0; i < _active.Count; i++)
        {
            var s = _active.Sessions[i];
            var updates = _active.Updates[i];
            int before = updates.Count;
            var step = s.Advance(updates);
            _made += updates.Count - before;
            bool stacks = s.Model.CanBatch;
            switch (step)
            {
                case TranslationSession.Step.None:
                    continue; // waits for audio: out of this call
                case TranslationSession.Step.Decoder:
                    (stacks ? _decode : _decodeAlone).Add(s, updates);
                    break;
                case TranslationSession.Step.EncoderUnit:
                    (stacks ? _encode : _encodeAlone).Add(s, updates);
                    break;
                case TranslationSession.Step.EncoderTail:
                    // Once per segment and of its own length: not worth a stacked shape.
                    _encodeAlone.Add(s, updates);
                    break;
            }

            _active.Sessions[kept] = s;
            _active.Updates[kept++] = updates;
        }

        _active.Truncate(kept);
        RunGroups(_decode, _batch, decoder: true);
        RunGroups(_decodeAlone, 1, decoder: true);
        RunGroups(_encode, _batch, decoder: false);
        RunGroups(_encodeAlone, 1, decoder: false);
    }

    private void RunGroups(Group group, int size, bool decoder)
    {
        for (int start = 0; start < group.Count; start += size)
        {
            int count = Math.Min(size, group.Count - start);
            if (decoder)
            {
                StepDecoders(group, start, count);
            }
            else
            {
                StepEncoders(group, start, count);
            }
        }
    }

    /// <summary>One decoder step for <paramref name="count"/> sessions: alone on its own buffers, or stacked.</summary>
    private void StepDecoders(Group group, int start, int count)
    {
        if (count == 1)
        {
            var s = group.Sessions[start];
            Complete(s, s.Model.DecodeStep(s.StepPrevious, s.StepPos), group.Updates[start]);
            return;
        }

        var stacked = Stacked();
        stacked.RunDecoders(group.Sessions, start, count);
        for (int b = 0; b < count; b++)
        {
            Complete(group.Sessions[start + b], stacked.DecodedTokens[b], group.Updates[start + b]);
        }
    }

    /// <summary>One encoder + cross step for <paramref name="count"/> sessions: alone on its own buffers, or stacked.</summary>
    private void StepEncoders(Group group, int start, int count)
    {
        if (count == 1)
        {
            var s = group.Sessions[start];
            s.Model.EncodeAndRead(s.StepFeatures, s.StepRows);
        }
        else
        {
            Stacked().RunEncoders(group.Sessions, start, count);
        }

        for (int b = 0; b < count; b++)
        {
            group.Sessions[start + b].CompleteEncoderStep();
        }
    }

    private void Complete(TranslationSession session, int token, List<SegmentUpdate> updates)
    {
        int before = updates.Count;
        session.CompleteDecoderStep(token, updates); // keeps or drops the pending states
        _made += updates.Count - before;
    }

    private StackedSteps Stacked() => _stacked ??= new StackedSteps(bundle, Capacity);

    /// <summary>Sessions, each with its update list: those still active, or those taking one kind of step this tick.</summary>
    private sealed class Group
    {
        public List<TranslationSession> Sessions { get; } = [];

        public List<List<SegmentUpdate>> Updates { get; } = [];

        public int Count => Sessions.Count;

        public void Add(TranslationSession session, List<SegmentUpdate> updates)
        {
            Sessions.Add(session);
            Updates.Add(updates);
        }

        public void Clear() => Truncate(0);

        /// <summary>Keeps the first <paramref name="count"/> pairs.</summary>
        public void Truncate(int count)
        {
            Sessions.RemoveRange(count, Sessions.Count - count);
            Updates.RemoveRange(count, Updates.Count - count);
        }
    }
}
