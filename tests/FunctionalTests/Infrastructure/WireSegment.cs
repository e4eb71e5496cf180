using LeaPformer.Contracts.V1;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>One segment as it came over the wire: its results' tokens, and whether END_OF_SEGMENT followed its final result at once.</summary>
public sealed record WireSegment(int Index, long StartMs, IReadOnlyList<Token> Tokens, bool IsFinal, bool EndEventFollows)
{
    /// <summary>Why the segment ended, from its final result.</summary>
    public SegmentEndReason EndReason { get; init; }

    /// <summary>Token ids with their source ms, as <see cref="StreamSignature.Tokens"/> writes them.</summary>
    public string Signature => string.Join(' ', Tokens.Select(t => $"{t.Id}@{t.SourceMs}"));

    /// <summary>The responses grouped by segment, in order; checks that a segment's results agree on its index and start.</summary>
    public static List<WireSegment> Split(IReadOnlyList<StreamingTranslateResponse> responses)
    {
        var segments = new List<WireSegment>();
        List<Token>? tokens = null;
        TranslationResult? first = null;
        for (var i = 0; i < responses.Count; i++)
        {
            if (responses[i].Result is not { } result)
            {
                continue;
            }

            if (first is null)
            {
                (first, tokens) = (result, []);
            }

            Assert.Equal((first.SegmentIndex, first.SegmentStartMs), (result.SegmentIndex, result.SegmentStartMs));
            tokens!.AddRange(result.Tokens);
            if (result.IsFinal)
            {
                var endEvent = i + 1 < responses.Count && responses[i + 1].SpeechEventType == SpeechEventType.EndOfSegment;
                segments.Add(new WireSegment(result.SegmentIndex, result.SegmentStartMs, tokens, IsFinal: true, endEvent) { EndReason = result.EndReason });
                first = null;
            }
        }

        if (first is not null)
        {
            segments.Add(new WireSegment(first.SegmentIndex, first.SegmentStartMs, tokens!, IsFinal: false, EndEventFollows: false));
        }

        return segments;
    }
}
