using System.Diagnostics;
using Grpc.Core;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Translation;

/// <summary>The reader side of a stream: gathers responses into segments as they arrive.</summary>
internal sealed class ResponseCollector(Action<StreamingTranslateResponse>? onResponse)
{
    private readonly List<StreamingTranslateResponse> _responses = [];
    private readonly List<SegmentResult> _segments = [];
    private readonly List<SpeechEventType> _events = [];

    public async Task ReadAllAsync(IAsyncStreamReader<StreamingTranslateResponse> responses, Stopwatch clock, CancellationToken cancellationToken)
    {
        await foreach (var response in responses.ReadAllAsync(cancellationToken))
        {
            Add(response, clock.Elapsed.TotalMilliseconds);
            onResponse?.Invoke(response);
        }
    }

    public TranslationOutcome ToOutcome(double audioMs, TimeSpan elapsed) => new(_responses, _segments, _events, audioMs, elapsed);

    private void Add(StreamingTranslateResponse response, double arrivalMs)
    {
        _responses.Add(response);
        if (response.SpeechEventType != SpeechEventType.SpeechEventUnspecified)
        {
            _events.Add(response.SpeechEventType);
        }

        if (response.Result is not { } result)
        {
            return;
        }

        var segment = _segments.Count > 0 && _segments[^1].Index == result.SegmentIndex
            ? _segments[^1]
            : AddSegment(result);
        segment.Text = result.Text;
        segment.IsFinal |= result.IsFinal;
        foreach (var token in result.Tokens)
        {
            segment.Add(new ReceivedToken(token.Id, token.Piece, token.SourceMs, arrivalMs));
        }
    }

    private SegmentResult AddSegment(TranslationResult result)
    {
        var segment = new SegmentResult(result.SegmentIndex, result.SegmentStartMs);
        _segments.Add(segment);
        return segment;
    }
}
