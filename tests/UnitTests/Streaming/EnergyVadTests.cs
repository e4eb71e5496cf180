using LeaPformer.Streaming;
using LeaPformer.Streaming.Internal;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

public sealed class EnergyVadTests
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
        var vad = new EnergyVad(new EndpointOptions { SpeechThresholdDbfs = -40, NoiseMarginDb = 15, NoiseFloorWindowMs = 1000 });
        var hum = TestAudio.Tone(10, -38, hz: 1000);
        Assert.True(vad.IsSpeech(hum)); // before the floor has been measured only the fixed threshold counts
        for (int i = 0; i < 150; i++)
        {
            vad.IsSpeech(hum);
        }

        Assert.Equal(-38, vad.NoiseFloorDbfs, 1);
        Assert.False(vad.IsSpeech(hum));
        Assert.False(vad.IsSpeech(TestAudio.Tone(10, -30, hz: 1000)));
        Assert.True(vad.IsSpeech(TestAudio.Tone(10, -20, hz: 1000)));
    }
}
