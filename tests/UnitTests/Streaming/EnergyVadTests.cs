using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;
using LeaPformer.UnitTests.Support;
using Xunit.Abstractions;

namespace LeaPformer.UnitTests.Streaming;

public sealed class EnergyVadTests(ITestOutputHelper output)
{
    [Fact]
    public void Levels_are_rms_dbfs()
    {
        Assert.Equal(0, EnergyVad.LevelDbfs(Enumerable.Repeat(1f, 160).ToArray()), 6);
        Assert.Equal(-20, EnergyVad.LevelDbfs(TestAudio.Tone(10, -20, hz: 1000)), 1);
        Assert.Equal(-120, EnergyVad.LevelDbfs(new float[160]));
    }

    [Fact]
    public void A_fixed_threshold_alone_classifies_by_level()
    {
        var vad = new EnergyVad(new EndpointOptions { SpeechThresholdDbfs = -40, NoiseMarginDb = null });
        Assert.False(vad.IsSpeech(TestAudio.Tone(10, -45, hz: 1000)));
        Assert.True(vad.IsSpeech(TestAudio.Tone(10, -35, hz: 1000)));
    }

    [Fact]
    public void The_noise_floor_raises_the_threshold_in_a_noisy_room()
    {
        var vad = new EnergyVad(new EndpointOptions { NoiseFloorWindowMs = 1000 });
        var hum = TestAudio.Tone(10, -38, hz: 1000);
        Assert.False(vad.IsSpeech(hum)); // the first frame: nothing heard yet to compare it with
        for (int i = 0; i < 150; i++)
        {
            Assert.False(vad.IsSpeech(hum));
        }

        Assert.Equal(-38, vad.NoiseFloorDbfs, 1);
        Assert.False(vad.IsSpeech(TestAudio.Tone(10, -30, hz: 1000))); // 8 dB above the floor
        Assert.True(vad.IsSpeech(TestAudio.Tone(10, -20, hz: 1000))); // 18 dB above
    }

    [Theory]
    [InlineData(-120)] // digital silence
    [InlineData(-96)] // 16-bit rounding noise: about 1 LSB
    [InlineData(-70)]
    [InlineData(-30)]
    [InlineData(-5)] // random bytes as LINEAR16 are this loud
    public void Steady_noise_at_any_level_is_never_speech(double levelDbfs)
    {
        var noise = levelDbfs <= -120 ? new float[5 * TestAudio.SampleRate] : RealSpeech.Noise(5000, levelDbfs);
        var vad = new EnergyVad(EndpointOptions.Default);
        Assert.Equal(0, Decide(vad, noise).Count(s => s));
    }

    [Fact]
    public void Frames_far_below_the_recent_speech_peak_are_silence_until_it_decays()
    {
        // Over digital silence the floor allows anything above -90 dBFS; the peak rule is what keeps the
        // quiet tail of loud speech (breath, room tone, reverberation) out.
        var vad = new EnergyVad(EndpointOptions.Default);
        Decide(vad, new float[TestAudio.SampleRate]);
        Assert.Contains(true, Decide(vad, TestAudio.Tone(500, -5)));
        Assert.False(vad.IsSpeech(TestAudio.Tone(10, -50))); // 45 dB below the peak
        Assert.True(vad.IsSpeech(TestAudio.Tone(10, -40))); // 35 dB below

        // The peak falls 10 dB a second: after 2 s of silence, -50 dBFS is within 40 dB of it.
        Decide(vad, new float[2 * TestAudio.SampleRate]);
        Assert.InRange(vad.SpeechPeakDbfs, -26, -24);
        Assert.True(vad.IsSpeech(TestAudio.Tone(10, -50)));
    }

    /// <summary>
    /// The same recording at -3 and -45 dBFS peak (16-bit, so the quiet one keeps 9 bits), each followed by
    /// and separated by pauses, over digital silence or over a noise floor 50 dB below its peak: the
    /// detector hears speech start and stop at the same 10 ms frames within a few frames.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quiet_and_loud_speech_are_heard_at_the_same_frames(bool noiseFloor)
    {
        var loud = Stream(RealSpeech.Loud, noiseFloor ? -53 : null);
        var quiet = Stream(RealSpeech.Quiet, noiseFloor ? -95 : null);

        var (loudRuns, quietRuns) = (Runs(Decide(new EnergyVad(EndpointOptions.Default), loud)), Runs(Decide(new EnergyVad(EndpointOptions.Default), quiet)));
        output.WriteLine($"loud:  {string.Join(", ", loudRuns)}");
        output.WriteLine($"quiet: {string.Join(", ", quietRuns)}");

        // The first and last speech frame of each of the two utterances (frames 100.. and 499..).
        var (loudSpans, quietSpans) = (Utterances(loudRuns), Utterances(quietRuns));
        Assert.Equal(2, loudSpans.Count);
        Assert.Equal(2, quietSpans.Count);
        for (int i = 0; i < 2; i++)
        {
            // Measured: over the noise floor 0 frames apart at the start and 0-1 at the end; over digital silence
            // 1-5 frames, where the loud copy's own room noise (-50 dBFS) counts and the quiet copy's (-92) does not.
            Assert.InRange(quietSpans[i].First - loudSpans[i].First, -8, 8); // 80 ms
            Assert.InRange(quietSpans[i].Last - loudSpans[i].Last, -15, 15); // 150 ms
        }

        // And the old fixed threshold (-40 dBFS) heard nothing of the quiet one.
        var old = new EnergyVad(EndpointOptions.Default with { SpeechThresholdDbfs = -40, SpeechRangeDb = null });
        Assert.DoesNotContain(true, Decide(old, quiet));
    }

    /// <summary>1 s, the clip, 2 s, the clip, 2 s; with a noise floor at <paramref name="noiseDbfs"/> throughout, or digital silence.</summary>
    private static float[] Stream(float[] clip, double? noiseDbfs)
    {
        var pause = new float[TestAudio.SampleRate];
        var stream = TestAudio.Concat(pause, clip, pause, pause, clip, pause, pause);
        return noiseDbfs is { } level ? RealSpeech.Mix(stream, RealSpeech.Noise(1000, level)) : stream;
    }

    private static bool[] Decide(EnergyVad vad, float[] audio)
        => [.. audio.Chunk(TestAudio.FrameSamples).Where(f => f.Length == TestAudio.FrameSamples).Select(f => vad.IsSpeech(f))];

    /// <summary>Runs of speech frames as (first, last) frame indices.</summary>
    private static List<(int First, int Last)> Runs(bool[] speech)
    {
        var runs = new List<(int, int)>();
        for (int i = 0; i < speech.Length; i++)
        {
            if (speech[i] && (i == 0 || !speech[i - 1]))
            {
                int end = i;
                while (end + 1 < speech.Length && speech[end + 1])
                {
                    end++;
                }

                runs.Add((i, end));
            }
        }

        return runs;
    }

    /// <summary>Runs merged across gaps shorter than a second: one span per utterance.</summary>
    private static List<(int First, int Last)> Utterances(List<(int First, int Last)> runs)
    {
        var spans = new List<(int First, int Last)>();
        foreach (var run in runs)
        {
            if (spans.Count > 0 && run.First - spans[^1].Last < 100)
            {
                spans[^1] = (spans[^1].First, run.Last);
            }
            else
            {
                spans.Add(run);
            }
        }

        return spans;
    }
}
