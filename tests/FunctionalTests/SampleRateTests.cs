using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>Audio at other rates (8..48 kHz) is resampled by the server and translated.</summary>
public sealed class SampleRateTests(SharedServer server) : ServerTest(server)
{
    [Theory]
    [InlineData(8000, AudioEncoding.Linear16)]
    [InlineData(44100, AudioEncoding.Float32)]
    [InlineData(48000, AudioEncoding.Linear16)]
    public async Task ResampledAudioGivesAFinalResult(int rate, AudioEncoding encoding)
    {
        var audio = Resampler.To(WavLoader.Load(Golden[0].WavPath), rate);

        var outcome = await TranslateAsync(audio, new TranslateOptions(Encoding: encoding, RealTime: false));

        var segment = Assert.Single(outcome.Segments);
        Assert.True(segment.IsFinal);
        Assert.Equal([SpeechEventType.EndOfSegment], outcome.Events);
        Assert.All(segment.Tokens, t => Assert.InRange(t.SourceMs, 0, (long)Math.Ceiling(audio.DurationMs)));
    }

    [Fact]
    public async Task Float32GivesTheSameTokensAsLinear16()
    {
        var audio = WavLoader.Load(Golden[0].WavPath);

        var linear = await TranslateAsync(audio, new TranslateOptions(WaitK: 3, RealTime: false));
        var floats = await TranslateAsync(audio, new TranslateOptions(WaitK: 3, RealTime: false, Encoding: AudioEncoding.Float32));

        Assert.Equal(linear.Tokens.Select(t => (t.Id, t.SourceMs)), floats.Tokens.Select(t => (t.Id, t.SourceMs)));
    }
}
