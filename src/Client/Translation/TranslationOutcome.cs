using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Translation;

/// <summary>Everything a stream returned, in order.</summary>
public sealed record TranslationOutcome(
    IReadOnlyList<StreamingTranslateResponse> Responses,
    IReadOnlyList<SegmentResult> Segments,
    IReadOnlyList<SpeechEventType> Events,
    double AudioMs,
    TimeSpan Elapsed)
{
    /// <summary>Every token of every segment, in order.</summary>
    public IEnumerable<ReceivedToken> Tokens => Segments.SelectMany(s => s.Tokens);
}
