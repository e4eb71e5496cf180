namespace LeaPformer.Streaming;

/// <summary>The committed translation of a segment after one more token (or at its end).</summary>
/// <param name="SegmentIndex">0-based segment number in the stream.</param>
/// <param name="SegmentStartMs">ms of stream audio before this segment began.</param>
/// <param name="Text">Everything committed in the segment so far, detokenized. Wait-k never retracts, so it only grows.</param>
/// <param name="Delta">The text this update appended to the previous update's <paramref name="Text"/>.</param>
/// <param name="Tokens">Every token committed in the segment so far, with its delay.</param>
/// <param name="IsFinal">The segment ended: nothing more will be appended to it.</param>
public sealed record SegmentUpdate(
    int SegmentIndex,
    long SegmentStartMs,
    string Text,
    string Delta,
    IReadOnlyList<CommittedToken> Tokens,
    bool IsFinal);
