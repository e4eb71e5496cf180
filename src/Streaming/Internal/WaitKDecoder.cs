using LeaPformer.Policy;

namespace LeaPformer.Streaming.Internal;

/// <summary>
/// The simultaneous decoding loop of docs/bundle.md for one segment: wait-k with fixed pre-decision,
/// EOS before the source ends = READ (with that step's decoder states discarded), and a token limit
/// of base + floor(per_frame * frames read). Knows nothing about audio or ONNX.
/// </summary>
internal sealed class WaitKDecoder(IDecoderSteps model, IReadWritePolicy policy, WaitKDecoder.Settings settings)
{
    private readonly List<int> _tokens = [];
    private readonly List<double> _delaysMs = [];
    private int _previous = settings.BosId;
    private double _sourceMs;

    public int FramesRead { get; private set; }

    public bool SourceDone { get; private set; }

    /// <summary>The segment is over: EOS after the source ended, or the token limit with the source done.</summary>
    public bool Ended { get; private set; }

    public IReadOnlyList<int> Tokens => _tokens;

    /// <summary>ms of source read when each token was committed (source length for tokens written after the end).</summary>
    public IReadOnlyList<double> DelaysMs => _delaysMs;

    /// <summary>Encoder frames were fed to cross-attention; writes what the policy now allows.</summary>
    /// <returns>Tokens committed.</returns>
    public int OnFramesRead(int encoderFrames)
    {
        if (SourceDone)
        {
            throw new InvalidOperationException("The source of this segment is already done.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(encoderFrames);
        FramesRead += encoderFrames;
        return Write();
    }

    /// <summary>All frames were fed; writes to the end of the segment.</summary>
    /// <param name="sourceMs">Length of the segment's audio in ms (16 kHz samples * 1000 / 16000).</param>
    public int OnSourceDone(double sourceMs)
    {
        SourceDone = true;
        _sourceMs = sourceMs;
        int written = Write();
        Ended = true; // EOS or the token limit stopped the loop; either ends the segment
        return written;
    }

    private int Write()
    {
        int written = 0;
        while (!Ended && _tokens.Count < TokenLimit())
        {
            int i = _tokens.Count;
            if (policy.Decide(FramesRead, i, SourceDone) == PolicyAction.Read)
            {
                return written;
            }

            int y = model.DecodeStep(_previous, i);
            if (y == settings.EosId)
            {
                // Before the source ends EOS only means "read more": the step's new states are dropped.
                Ended = SourceDone;
                return written;
            }

            model.CommitDecoderStep();
            _tokens.Add(y);
            _previous = y;
            _delaysMs.Add(SourceDone ? _sourceMs : (double)FramesRead * settings.FrameMs);
            written++;
        }

        return written;
    }

    // Compared as Python does: len(tokens) < base + floor(per_frame * frames_read), in double.
    private double TokenLimit() => settings.MaxTokensBase + Math.Floor(settings.MaxTokensPerFrame * FramesRead);

    /// <param name="FrameMs">ms per encoder frame (40).</param>
    internal sealed record Settings(int BosId, int EosId, int FrameMs, double MaxTokensBase, double MaxTokensPerFrame)
    {
        public static Settings From(ModelMetadata m) => new(m.BosId, m.EosId, m.FrameMs, m.MaxTokensBase, m.MaxTokensPerFrame);
    }
}
