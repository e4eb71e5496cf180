namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// What one stream has said so far in its current segment, as <see cref="SegmentUpdate"/>s: the
/// detokenized text, the committed tokens with their delays, and the segment's number. Each update
/// is made once, with the text and tokens it appends (its delta), for every consumer.
/// </summary>
internal sealed class SegmentTranscript(TokenTable tokens)
{
    private Detokenizer _detokenizer = new(tokens);
    private PrefixList<CommittedToken> _committed = new();

    /// <summary>0-based number of the current segment (segments dropped as noise take none).</summary>
    public int SegmentIndex { get; private set; }

    /// <summary>The update for one more committed token, read after <paramref name="sourceMs"/> whole ms of the segment's audio.</summary>
    public SegmentUpdate Token(int id, long segmentStartMs, long sourceMs)
    {
        string delta = _detokenizer.Append(id);
        _committed.Add(new CommittedToken(id, tokens[id], sourceMs));
        return new SegmentUpdate(SegmentIndex, segmentStartMs, _detokenizer.Text, delta, _committed.Snapshot(), IsFinal: false)
        {
            SegmentEndMs = segmentStartMs + sourceMs,
            NewTokensFrom = _committed.Count - 1,
        };
    }

    /// <summary>The segment's final update; the next update starts segment <see cref="SegmentIndex"/> + 1 from nothing.</summary>
    public SegmentUpdate Final(long segmentStartMs, long segmentEndMs, SegmentEndReason reason, bool endsSession)
    {
        var update = new SegmentUpdate(SegmentIndex, segmentStartMs, _detokenizer.Text, string.Empty, _committed.Snapshot(), IsFinal: true)
        {
            SegmentEndMs = segmentEndMs,
            EndReason = reason,
            IsEndOfSingleUtterance = endsSession,
            NewTokensFrom = _committed.Count,
        };
        SegmentIndex++;
        _detokenizer = new Detokenizer(tokens);
        _committed = new PrefixList<CommittedToken>(); // earlier snapshots keep the old one
        return update;
    }
}
