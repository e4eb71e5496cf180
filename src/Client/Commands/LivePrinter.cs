using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.Policy;

namespace LeaPformer.Client.Commands;

/// <summary>
/// Prints each segment's translation on one line that grows by the delta of every response
/// (wait-k never retracts, so appending is exact), then its final text and latency.
/// </summary>
internal sealed class LivePrinter(TextWriter output, bool verbose)
{
    private int _openSegment = -1;

    public void OnResponse(StreamingTranslateResponse response)
    {
        if (response.Result is { } result)
        {
            if (result.SegmentIndex != _openSegment)
            {
                _openSegment = result.SegmentIndex;
                output.Write(FormattableString.Invariant($"[{result.SegmentStartMs / 1000.0,6:0.00} s] "));
            }

            output.Write(result.Delta);
            if (result.IsFinal)
            {
                output.WriteLine();
                output.WriteLine(FormattableString.Invariant($"  final #{result.SegmentIndex}: {result.Text}"));
                _openSegment = -1;
            }

            output.Flush();
        }
        else if (response.SpeechEventType == SpeechEventType.EndOfSingleUtterance)
        {
            output.WriteLine("  (end of single utterance)");
        }
    }

    public void Summary(TranslationOutcome outcome, bool realTime)
    {
        for (var index = 0; index < outcome.Segments.Count; index++)
        {
            var segment = outcome.Segments[index];
            if (verbose)
            {
                output.WriteLine(FormattableString.Invariant($"  {"#",3} {"id",5} {"piece",-16} {"source ms",9} {"arrival ms",10}"));
                for (var i = 0; i < segment.Tokens.Count; i++)
                {
                    var t = segment.Tokens[i];
                    output.WriteLine(FormattableString.Invariant($"  {i,3} {t.Id,5} {t.Piece,-16} {t.SourceMs,9} {t.ArrivalMs,10:0}"));
                }
            }

            // The server reports no segment end time: the next segment's start bounds it, or the end of the audio.
            var endMs = index + 1 < outcome.Segments.Count ? outcome.Segments[index + 1].StartMs : outcome.AudioMs;
            output.WriteLine(Latency(segment, endMs, realTime));
        }

        output.WriteLine(FormattableString.Invariant(
            $"{outcome.AudioMs / 1000:0.00} s of audio in {outcome.Elapsed.TotalSeconds:0.00} s, {outcome.Segments.Count} segment(s)"));
    }

    private static string Latency(SegmentResult segment, double endMs, bool realTime)
    {
        if (segment.Tokens.Count == 0)
        {
            return FormattableString.Invariant($"  segment #{segment.Index}: no tokens");
        }

        var delays = segment.Tokens.Select(t => (double)t.SourceMs).ToList();
        var sourceMs = Math.Max(Math.Max(1, endMs - segment.StartMs), delays.Max());
        var text = FormattableString.Invariant(
            $"  segment #{segment.Index}: {segment.Tokens.Count} tokens, AL {LatencyMetrics.AverageLagging(delays, sourceMs):0} ms, LAAL {LatencyMetrics.LengthAdaptiveAverageLagging(delays, sourceMs):0} ms");
        if (realTime)
        {
            // Arrival times count from the first audio sent: computation-aware when paced like a microphone.
            var arrivals = segment.Tokens.Select(t => t.ArrivalMs - segment.StartMs).ToList();
            text += FormattableString.Invariant($", computation-aware AL {LatencyMetrics.AverageLagging(arrivals, sourceMs):0} ms");
        }

        return text;
    }
}
