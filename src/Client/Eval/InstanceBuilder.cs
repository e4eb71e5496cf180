using LeaPformer.Client.Translation;
using LeaPformer.Evaluation;

namespace LeaPformer.Client.Eval;

/// <summary>
/// Turns what one stream returned (per-token times) into a SimulEval instance (per-word times),
/// with the definitions of docs/evaluation.md:
/// <list type="bullet">
/// <item>The prediction is the segments' committed texts split on whitespace (Python's
/// <c>str.split()</c>) and joined by single spaces, as SimulEval's word unit builds it.</item>
/// <item>A word's times are those of its last piece: the token after which the committed text
/// first covers the word's last character (byte-fallback pieces that complete no character add
/// no text, so the piece that completes it counts).</item>
/// <item>Delay (non computation-aware): segment start + the token's <c>source_ms</c>. The wire
/// floors it to whole ms; a delay within 1 ms of the source end was written after the whole source
/// was read, so it is restored to the source length exactly, as SimulEval records it.</item>
/// <item>Elapsed (computation-aware): real time, the arrival time (ms since the first audio sample
/// was due, the clock that paced the audio); unpaced, the delay plus the arrival time (SimulEval's
/// <c>delay + wall-clock time since the instance started</c>).</item>
/// </list>
/// </summary>
internal static class InstanceBuilder
{
    public static EvaluatedInstance Build(int index, ManifestEntry entry, double sourceLengthMs, TranslationOutcome outcome, bool realTime)
    {
        var (text, tokens) = TimedText(outcome, sourceLengthMs, realTime);
        var words = new List<string>();
        var delays = new List<double>();
        var elapsed = new List<double>();
        var next = 0;
        foreach (var (start, end) in WordSpans(text))
        {
            while (next < tokens.Count - 1 && tokens[next].TextEnd < end)
            {
                next++;
            }

            if (tokens.Count == 0 || tokens[next].TextEnd < end)
            {
                throw new InvalidOperationException($"{entry.Id}: the text '{text}' is longer than its tokens produced.");
            }

            words.Add(text[start..end]);
            delays.Add(tokens[next].DelayMs);
            elapsed.Add(tokens[next].ElapsedMs);
        }

        return new EvaluatedInstance(index, entry.AudioPath, string.Join(' ', words), entry.Reference, delays, elapsed, sourceLengthMs);
    }

    /// <summary>The segments' texts joined by spaces, and per token where the text ended once it arrived.</summary>
    internal static (string Text, List<TimedToken> Tokens) TimedText(TranslationOutcome outcome, double sourceLengthMs, bool realTime)
    {
        var offsets = new Dictionary<int, int>();
        var length = 0;
        foreach (var segment in outcome.Segments)
        {
            if (length > 0)
            {
                length++; // the space that joins segments
            }

            offsets[segment.Index] = length;
            length += segment.Text.Length;
        }

        var segments = outcome.Segments.ToDictionary(s => s.Index);
        var consumed = new Dictionary<int, int>();
        var textLength = new Dictionary<int, int>();
        var tokens = new List<TimedToken>();
        foreach (var result in outcome.Responses.Select(r => r.Result).Where(r => r is not null))
        {
            var segment = segments[result.SegmentIndex];
            var before = textLength.GetValueOrDefault(result.SegmentIndex);
            var first = consumed.GetValueOrDefault(result.SegmentIndex);
            for (var j = 0; j < result.Tokens.Count; j++)
            {
                // Several tokens in one response: only the last is known to have reached the new text end.
                var end = j == result.Tokens.Count - 1 ? result.Text.Length : before;
                var received = segment.Tokens[first + j];
                var delay = Delay(segment.StartMs + received.SourceMs, sourceLengthMs);
                var elapsed = realTime ? received.ArrivalMs : delay + received.ArrivalMs;
                tokens.Add(new TimedToken(offsets[result.SegmentIndex] + end, delay, elapsed));
            }

            consumed[result.SegmentIndex] = first + result.Tokens.Count;
            textLength[result.SegmentIndex] = result.Text.Length;
        }

        var text = string.Join(' ', outcome.Segments.Select(s => s.Text));
        return (text, tokens);
    }

    /// <summary>ms of source read, restored to the exact source length when the wire's whole ms reach it.</summary>
    internal static double Delay(double wireMs, double sourceLengthMs) =>
        wireMs > sourceLengthMs - 1 ? sourceLengthMs : wireMs;

    /// <summary>[start, end) of each word: runs between Python whitespace (<c>str.isspace</c>).</summary>
    internal static IEnumerable<(int Start, int End)> WordSpans(string text)
    {
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsPythonSpace(text[i]))
            {
                if (start >= 0)
                {
                    yield return (start, i);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            yield return (start, text.Length);
        }
    }

    // Python's str.isspace also counts the information separators U+001C..U+001F; .NET does not.
    // The same definition as the Evaluation library's word count, so there is one delay per word it counts.
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <param name="TextEnd">Length of the joined text once this token had arrived.</param>
    internal readonly record struct TimedToken(int TextEnd, double DelayMs, double ElapsedMs);
}
