using LeaPformer.Policy;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// The simultaneous decoding loop of docs/bundle.md for one segment, as a pure object that runs no model:
/// <see cref="TryGetStep"/> says Read (false) or Decode(previous, pos) (true), and whoever runs that decoder
/// step reports its argmax to <see cref="OnStepResult"/>, which says whether the token was committed
/// (then the step's new decoder states must be kept). Wait-k with fixed pre-decision, EOS before the
/// source ends = READ (that step's states discarded), and a token limit of base + floor(per_frame *
/// frames read). Knows nothing about audio or ONNX.
/// </summary>
/// <remarks>
/// On top of the bundle's loop, the runaway guard (<see cref="RunawayGuardOptions"/>, off unless
/// <see cref="Settings.Guard"/> sets it): a token that would break its rate or repetition rule is not
/// committed and the segment is over (<see cref="Ended"/>, with <see cref="StopReason"/>), even before the
/// source is done; the session then starts the next segment where the model had read.
/// </remarks>
internal sealed class WaitKLoop(IReadWritePolicy policy, WaitKLoop.Settings settings)
{
    private readonly List<int> _tokens = [];
    private readonly List<double> _delaysMs = [];
    private int _previous = settings.BosId;
    private double _sourceMs;
    private bool _blocked; // EOS said READ at the frames read so far

    public int FramesRead { get; private set; }

    public bool SourceDone { get; private set; }

    /// <summary>The segment is over: EOS after the source ended, the token limit with the source done, or the runaway guard.</summary>
    public bool Ended { get; private set; }

    /// <summary>Why the runaway guard ended the segment; <see cref="SegmentEndReason.None"/> when it did not.</summary>
    public SegmentEndReason StopReason { get; private set; }

    public IReadOnlyList<int> Tokens => _tokens;

    /// <summary>ms of source read when each token was committed (source length for tokens written after the end).</summary>
    public IReadOnlyList<double> DelaysMs => _delaysMs;

    /// <summary>Encoder frames were fed to cross-attention (no step is run here).</summary>
    public void AddFrames(int encoderFrames)
    {
        if (SourceDone)
        {
            throw new InvalidOperationException("The source of this segment is already done.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(encoderFrames);
        FramesRead += encoderFrames;
        _blocked = false;
    }

    /// <summary>All frames of the segment were fed (no step is run here).</summary>
    public void MarkSourceDone(double sourceMs)
    {
        SourceDone = true;
        _sourceMs = sourceMs;
        _blocked = false;
    }

    /// <summary>
    /// The decoder step the loop wants now: predict token <paramref name="pos"/> after <paramref name="previous"/>.
    /// False when it must read more source first, or the segment is over (then <see cref="Ended"/> is set).
    /// </summary>
    public bool TryGetStep(out int previous, out int pos)
    {
        previous = _previous;
        pos = _tokens.Count;
        if (Ended || _blocked)
        {
            return false;
        }

        if (_tokens.Count >= TokenLimit() || policy.Decide(FramesRead, pos, SourceDone) == PolicyAction.Read)
        {
            Ended = SourceDone; // with the source done the policy always writes, so only the limit stops it
            return false;
        }

        return true;
    }

    /// <summary>The argmax of the step <see cref="TryGetStep"/> asked for; commits the token unless it is EOS or the guard refuses it.</summary>
    /// <returns>True when the token was committed: the caller keeps that step's new decoder states (else it drops them).</returns>
    public bool OnStepResult(int token)
    {
        if (token == settings.EosId)
        {
            // Before the source ends EOS only means "read more": the step's new states are dropped.
            Ended = SourceDone;
            _blocked = !SourceDone;
            return false;
        }

        if (GuardStop(token) is { } stop)
        {
            // The token is not committed (nor its step's states): the segment ends with what it has.
            StopReason = stop;
            Ended = true;
            _blocked = false;
            return false;
        }

        _tokens.Add(token);
        _previous = token;
        _delaysMs.Add(SourceDone ? _sourceMs : (double)FramesRead * settings.FrameMs);
        return true;
    }

    /// <summary>Back to the start of a segment (the lists keep their capacity).</summary>
    public void Reset()
    {
        _tokens.Clear();
        _delaysMs.Clear();
        _previous = settings.BosId;
        _sourceMs = 0;
        _blocked = false;
        FramesRead = 0;
        SourceDone = false;
        Ended = false;
        StopReason = SegmentEndReason.None;
    }

    // Compared as Python does: len(tokens) < base + floor(per_frame * frames_read), in double.
    private double TokenLimit() => settings.MaxTokensBase + Math.Floor(settings.MaxTokensPerFrame * FramesRead);

    /// <summary>The runaway guard's verdict on committing <paramref name="token"/> next; null = commit it.</summary>
    private SegmentEndReason? GuardStop(int token)
    {
        var guard = settings.Guard;
        int count = _tokens.Count + 1; // with the candidate
        if (guard.MaxNgramRepeats is { } repeats && CompletesRepeat(token, count, repeats + 1, guard.MaxNgramLength))
        {
            return SegmentEndReason.Repetition;
        }

        // Seconds of the segment's audio read so far: the whole segment once its source is done.
        double seconds = (SourceDone ? _sourceMs : (double)FramesRead * settings.FrameMs) / 1000;
        if (guard.MaxTokensPerSecond is { } rate && count > guard.BaseTokens + (rate * seconds))
        {
            return SegmentEndReason.RunawayTokens;
        }

        return null;
    }

    /// <summary>Whether the committed tokens followed by <paramref name="token"/> end with <paramref name="copies"/> copies of one n-gram, n = 1..maxLength.</summary>
    private bool CompletesRepeat(int token, int count, int copies, int maxLength)
    {
        for (int n = 1; n <= maxLength && n * copies <= count; n++)
        {
            // The last n * copies tokens are copies of one n-gram when each equals the one n after it.
            bool repeated = true;
            for (int p = count - 1 - n; p >= count - (n * copies) && repeated; p--)
            {
                repeated = TokenAt(p, token) == TokenAt(p + n, token);
            }

            if (repeated)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Committed token <paramref name="index"/>, or the candidate just past them.</summary>
    private int TokenAt(int index, int candidate) => index == _tokens.Count ? candidate : _tokens[index];

    /// <param name="FrameMs">ms per encoder frame (40).</param>
    internal sealed record Settings(int BosId, int EosId, int FrameMs, double MaxTokensBase, double MaxTokensPerFrame)
    {
        /// <summary>The runaway guard on top of the bundle's loop; off unless set.</summary>
        public RunawayGuardOptions Guard { get; init; } = RunawayGuardOptions.Disabled;

        public static Settings From(ModelMetadata m) => new(m.BosId, m.EosId, m.FrameMs, m.MaxTokensBase, m.MaxTokensPerFrame);
    }
}
