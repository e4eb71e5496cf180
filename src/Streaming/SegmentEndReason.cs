namespace LeaPformer.Streaming;

/// <summary>Why a segment ended (set on final updates only).</summary>
public enum SegmentEndReason
{
    /// <summary>Not a final update.</summary>
    None = 0,

    /// <summary><see cref="TranslationSession.InputFinished"/> was called.</summary>
    InputFinished,

    /// <summary>Endpoint rule 1 or 2: enough trailing silence.</summary>
    TrailingSilence,

    /// <summary>Endpoint rule 3: the segment reached <see cref="EndpointOptions.MaxSegmentMs"/>.</summary>
    MaxSegmentLength,

    /// <summary>The runaway guard: one more token would exceed <see cref="RunawayGuardOptions.MaxTokensPerSecond"/>.</summary>
    RunawayTokens,

    /// <summary>The runaway guard: one more token would repeat an n-gram more than <see cref="RunawayGuardOptions.MaxNgramRepeats"/> times.</summary>
    Repetition,
}
