using System.Globalization;
using LeaPformer.Client.Commands;
using LeaPformer.Client.Translation;

namespace LeaPformer.UnitTests.Client;

/// <summary><c>translate</c>'s summary: each segment's latency over that segment's own audio.</summary>
public sealed class LivePrinterTests
{
    [Fact]
    public void A_segment_ends_where_the_next_one_starts_and_the_last_at_the_end_of_the_audio()
    {
        var first = Segment(0, 0, (1000, 1100), (2000, 2100));
        var second = Segment(1, 5000, (1000, 6100));
        var outcome = new TranslationOutcome([], [first, second], [], AudioMs: 8000, TimeSpan.FromSeconds(8));
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        new LivePrinter(writer, verbose: false).Summary(outcome, realTime: true);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Segment 0 has 5000 ms of audio, 2 tokens: AL = ((1000 - 0) + (2000 - 2500)) / 2 = 250;
        // arrivals 1100 and 2100: ((1100 - 0) + (2100 - 2500)) / 2 = 350.
        Assert.Equal("  segment #0: 2 tokens, AL 250 ms, LAAL 250 ms, computation-aware AL 350 ms", lines[0].TrimEnd('\r'));
        // Segment 1 has the 3000 ms left; its one token lags by its own delay.
        Assert.Equal("  segment #1: 1 tokens, AL 1000 ms, LAAL 1000 ms, computation-aware AL 1100 ms", lines[1].TrimEnd('\r'));
        Assert.Equal("8.00 s of audio in 8.00 s, 2 segment(s)", lines[2].TrimEnd('\r'));
    }

    private static SegmentResult Segment(int index, long startMs, params (long SourceMs, double ArrivalMs)[] tokens)
    {
        var segment = new SegmentResult(index, startMs) { IsFinal = true };
        foreach (var (sourceMs, arrivalMs) in tokens)
        {
            segment.Add(new ReceivedToken(5, "▁x", sourceMs, arrivalMs));
        }

        return segment;
    }
}
