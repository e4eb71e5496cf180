using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Each golden WAV streamed through gRPC gives exactly PyTorch's tokens (docs/bundle.md, golden/).
/// Endpointing off: PyTorch decoded each whole WAV as one source (see <see cref="WholeStreamServer"/>).
/// </summary>
public sealed class GoldenTranslationTests(WholeStreamServer server) : ServerTest(server)
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(-1)] // offline
    public async Task GoldenWavGivesTheGoldenTokens(int k)
    {
        foreach (var utterance in Golden)
        {
            var expected = utterance.Decode(k);
            var audio = WavLoader.Load(utterance.WavPath);

            var outcome = await TranslateAsync(audio, new TranslateOptions(WaitK: k, RealTime: false));

            var tokens = outcome.Tokens.ToList();
            Assert.True(expected.Tokens.SequenceEqual(tokens.Select(t => t.Id)),
                $"{utterance} k={k}: expected [{string.Join(' ', expected.Tokens)}], got [{string.Join(' ', tokens.Select(t => t.Id))}]");
            var segment = Assert.Single(outcome.Segments);
            Assert.True(segment.IsFinal, $"{utterance} k={k}: no final result");
            Assert.Equal(expected.Text, segment.Text);
            Assert.Equal([SpeechEventType.EndOfSegment], outcome.Events);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(-1)]
    public async Task TokenSourceTimesAreTheGoldenDelays(int k)
    {
        foreach (var utterance in Golden)
        {
            var expected = utterance.Decode(k);
            var outcome = await TranslateAsync(WavLoader.Load(utterance.WavPath), new TranslateOptions(WaitK: k, RealTime: false));

            // The wire carries whole ms; golden delays are exact (e.g. 2512.625 ms = samples * 1000 / 16000).
            var actual = outcome.Tokens.Select(t => t.SourceMs).ToList();
            Assert.Equal(expected.DelaysMs.Count, actual.Count);
            for (var i = 0; i < actual.Count; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected.DelaysMs[i]) < 1.0,
                    $"{utterance} k={k} token {i}: source_ms {actual[i]}, golden delay {expected.DelaysMs[i]} ms");
            }
        }
    }

    [Fact]
    public async Task TheTextGrowsByItsDeltas()
    {
        var outcome = await TranslateAsync(WavLoader.Load(Golden[0].WavPath), new TranslateOptions(WaitK: 3, RealTime: false));

        var text = "";
        foreach (var result in outcome.Responses.Where(r => r.Result is not null).Select(r => r.Result))
        {
            Assert.Equal(text + result.Delta, result.Text);
            text = result.Text;
        }

        Assert.Equal(outcome.Segments[0].Text, text);
    }
}
