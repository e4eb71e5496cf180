namespace LeaPformer.Streaming;

/// <summary>The committed translation of a segment after one more token (or at its end).</summary>
/// <param name="SegmentIndex">0-based segment number in the stream (segments dropped by endpoint rule 1 take no number).</param>
/// <param name="SegmentStartMs">ms of stream audio (at 16 kHz) before this segment began.</param>
/// <param name="Text">Everything committed in the segment so far, detokenized. Wait-k never retracts, so it only grows.</param>
/// <param name="Delta">The text this update appended to the previous update's <paramref name="Text"/>.</param>
/// <param name="Tokens">Every token committed in the segment so far, with its delay (ms from the segment start).</param>
/// <param name="IsFinal">The segment ended: nothing more will be appended to it.</param>
public sealed record SegmentUpdate(
    int SegmentIndex,
    long SegmentStartMs,
    string Text,
    string Delta,
    IReadOnlyList<CommittedToken> Tokens,
    bool IsFinal)
{
    /// <summary>
    /// ms into the stream up to which the model has read this segment's audio: SegmentStartMs + the
    /// source read when the update was made. On a final update, where the segment's audio ends.
    /// </summary>
    public long SegmentEndMs { get; init; }

    /// <summary>
    /// Index in <see cref="Tokens"/> of the first token this update appended: Tokens.Count - 1 for a token
    /// update, Tokens.Count for a final one (it appends none). A client of the wire gets only these.
    /// </summary>
    public int NewTokensFrom { get; init; }

    /// <summary>Why the segment ended; <see cref="SegmentEndReason.None"/> unless <see cref="IsFinal"/>.</summary>
    public SegmentEndReason EndReason { get; init; }

    /// <summary>
    /// <see cref="TranslationSessionOptions.SingleUtterance"/>: this final update ends the session. The session reads
    /// no more audio (later Accept* calls are ignored) and is <see cref="TranslationSession.IsCompleted"/>;
    /// the server should tell the client to half-close.
    /// </summary>
    public bool IsEndOfSingleUtterance { get; init; }
}
