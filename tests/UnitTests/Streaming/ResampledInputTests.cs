using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class ResampledInputTests(BundleFixture fixture)
{
    [Theory]
    [InlineData(8000)]
    [InlineData(44100)]
    public void A_golden_wav_at_another_rate_gives_a_sensible_16_kHz_stream(int rate)
    {
        var golden = fixture.Goldens[0];
        var other = ResamplerTests.Resample(golden.Samples, 16000, rate, chunk: 4000);
        Assert.Equal((long)Math.Ceiling(golden.Samples.Length * (double)rate / 16000), other.Length);

        using var translator = new TranslationEngine(fixture.Bundle);
        // Without the runaway guard: on speech band-limited to 4 kHz the model repeats itself, and a guard cut
        // would start a new segment, whose frames are all FramesRead counts.
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3, InputSampleRate: rate) { RunawayGuard = RunawayGuardOptions.Disabled });
        for (int start = 0; start < other.Length; start += 1000)
        {
            session.AcceptWaveform(other.AsSpan(start, Math.Min(1000, other.Length - start)));
        }

        session.InputFinished();
        var updates = new List<SegmentUpdate>();
        session.Decode(updates);

        Assert.Equal(other.Length * 1000L / rate, session.AudioMsAccepted);
        Assert.InRange(session.FramesRead, (golden.Fbank.Length / 4) - 1, golden.Fbank.Length / 4);
        Assert.True(updates[^1].IsFinal);
    }

    [Fact]
    public void Sixteen_kHz_input_passes_through_untouched()
    {
        var golden = fixture.Goldens[0];
        var frontEnd = new AudioFrontEnd(16000, new Cmvn(new float[80], Enumerable.Repeat(1f, 80).ToArray()));
        frontEnd.Accept(golden.Samples);
        frontEnd.Finish();
        Assert.Equal(golden.Samples.Length, frontEnd.ModelSamples);
        Assert.Equal(golden.Fbank.Length, frontEnd.Features.Count);
        Assert.Equal(FbankTests.Compute(golden.Samples, golden.Samples.Length)[5], frontEnd.Features.Row(5).ToArray());
    }
}
