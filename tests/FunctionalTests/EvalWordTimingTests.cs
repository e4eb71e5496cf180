using LeaPformer.Client.Eval;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// eval's per-token to per-word conversion (docs/evaluation.md) on hand-made responses: no server.
/// A word's times are its last piece's; the source end is restored from whole wire ms.
/// </summary>
public sealed class EvalWordTimingTests
{
    private static readonly ManifestEntry Entry = new("u0", "/data/u0.wav", "hola mundo");

    [Fact]
    public void A_word_takes_the_times_of_its_last_piece()
    {
        var outcome = new Responses()
            .Add(0, 0, 300, "Hola", ("\u2581Hola", 280))
            .Add(0, 0, 610, "Hola mun", ("\u2581mun", 560))
            .Add(0, 0, 900, "Hola mundo", ("do", 840))
            .Add(0, 0, 1500, "Hola mundo.", (".", 1000)) // written at the source end: 1000.5 ms on the wire as 1000
            .Final(0, 0, 1510, "Hola mundo.")
            .Build(1000.5);

        var instance = InstanceBuilder.Build(0, Entry, 1000.5, outcome, realTime: true);

        Assert.Equal("Hola mundo.", instance.Prediction);
        Assert.Equal([280, 1000.5], instance.DelaysMs);
        Assert.Equal([300, 1500], instance.ElapsedMs); // real time: the arrival time
    }

    [Fact]
    public void Unpaced_elapsed_is_the_delay_plus_the_arrival_time()
    {
        var outcome = new Responses()
            .Add(0, 0, 12, "Hola", ("\u2581Hola", 280))
            .Add(0, 0, 20, "Hola mundo", ("\u2581mundo", 560))
            .Final(0, 0, 25, "Hola mundo")
            .Build(1000);

        var instance = InstanceBuilder.Build(0, Entry, 1000, outcome, realTime: false);

        Assert.Equal([280, 560], instance.DelaysMs);
        Assert.Equal([292, 580], instance.ElapsedMs);
    }

    [Fact]
    public void Byte_fallback_pieces_count_when_they_complete_a_character()
    {
        var outcome = new Responses()
            .Add(0, 0, 1, "caf", ("\u2581caf", 280))
            .Add(0, 0, 2, "caf", ("<0xC3>", 560)) // half of é: no text yet
            .Add(0, 0, 3, "café", ("<0xA9>", 840))
            .Add(0, 0, 4, "café y", ("\u2581", 1120), ("y", 1120))
            .Final(0, 0, 5, "café y")
            .Build(2000);

        var instance = InstanceBuilder.Build(0, Entry, 2000, outcome, realTime: true);

        Assert.Equal("café y", instance.Prediction);
        Assert.Equal([840, 1120], instance.DelaysMs);
    }

    [Fact]
    public void A_lone_word_boundary_piece_ends_nothing()
    {
        var outcome = new Responses()
            .Add(0, 0, 1, "y", ("\u2581y", 280))
            .Add(0, 0, 2, "y ", ("\u2581", 560))
            .Add(0, 0, 3, "y y", ("y", 840))
            .Final(0, 0, 4, "y y")
            .Build(2000);

        var instance = InstanceBuilder.Build(0, Entry, 2000, outcome, realTime: true);

        Assert.Equal([280, 840], instance.DelaysMs);
    }

    [Fact]
    public void Later_segments_add_their_start_and_join_with_a_space()
    {
        var outcome = new Responses()
            .Add(0, 0, 1, "Hola", ("\u2581Hola", 500))
            .Final(0, 0, 2, "Hola")
            .Add(1, 2000, 3, "adiós", ("\u2581adiós", 300))
            .Final(1, 2000, 4, "adiós")
            .Build(3000);

        var instance = InstanceBuilder.Build(0, Entry, 3000, outcome, realTime: true);

        Assert.Equal("Hola adiós", instance.Prediction);
        Assert.Equal([500, 2300], instance.DelaysMs);
    }

    [Fact]
    public void Tokens_sharing_a_response_take_the_last_ones_times()
    {
        // The text of only the whole response is known, so its words are dated by its last token.
        var outcome = new Responses()
            .Add(0, 0, 7, "a b", ("\u2581a", 280), ("\u2581b", 560))
            .Final(0, 0, 8, "a b")
            .Build(1000);

        var instance = InstanceBuilder.Build(0, Entry, 1000, outcome, realTime: true);

        Assert.Equal([560, 560], instance.DelaysMs);
    }

    [Fact]
    public void No_output_gives_an_instance_without_words()
    {
        var outcome = new Responses().Final(0, 0, 5, "").Build(1000);

        var instance = InstanceBuilder.Build(0, Entry, 1000, outcome, realTime: false);

        Assert.Equal("", instance.Prediction);
        Assert.Empty(instance.DelaysMs);
    }

    [Theory]
    [InlineData(2512, 2512.625, 2512.625)] // floored source end -> the exact end
    [InlineData(2480, 2512.625, 2480)]     // a whole 40 ms frame earlier: kept
    [InlineData(3000, 2512.625, 2512.625)] // never past the end
    public void The_source_end_is_restored_from_whole_ms(long wire, double sourceMs, double expected)
    {
        Assert.Equal(expected, InstanceBuilder.Delay(wire, sourceMs));
    }

    /// <summary>Responses as the server sends them, and the segments the client collects from them.</summary>
    private sealed class Responses
    {
        private readonly List<StreamingTranslateResponse> _responses = [];
        private readonly List<SegmentResult> _segments = [];

        public Responses Add(int segment, long startMs, double arrivalMs, string text, params (string Piece, long SourceMs)[] tokens)
        {
            var result = new TranslationResult { Text = text, SegmentIndex = segment, SegmentStartMs = startMs };
            var collected = Segment(segment, startMs);
            foreach (var (piece, sourceMs) in tokens)
            {
                result.Tokens.Add(new Token { Id = 7, Piece = piece, SourceMs = sourceMs });
                collected.Add(new ReceivedToken(7, piece, sourceMs, arrivalMs));
            }

            collected.Text = text;
            _responses.Add(new StreamingTranslateResponse { Result = result });
            return this;
        }

        public Responses Final(int segment, long startMs, double arrivalMs, string text)
        {
            Add(segment, startMs, arrivalMs, text);
            _responses[^1].Result.IsFinal = true;
            Segment(segment, startMs).IsFinal = true;
            return this;
        }

        public TranslationOutcome Build(double audioMs) => new(_responses, _segments, [SpeechEventType.EndOfSegment], audioMs, TimeSpan.FromSeconds(1));

        private SegmentResult Segment(int index, long startMs)
        {
            if (_segments.Count == 0 || _segments[^1].Index != index)
            {
                _segments.Add(new SegmentResult(index, startMs));
            }

            return _segments[^1];
        }
    }
}
