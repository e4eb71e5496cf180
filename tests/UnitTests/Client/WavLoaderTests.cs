using LeaPformer.Client.Audio;
using LeaPformer.Tests.Shared;

namespace LeaPformer.UnitTests.Client;

/// <summary>
/// WavLoader: any WAV becomes mono 16-bit PCM at a rate a server takes. Files are written here as a
/// studio recorder writes them: 24-bit, stereo, WAVE_FORMAT_EXTENSIBLE (what sox writes for 24 bits).
/// </summary>
public sealed class WavLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leapformer-wav-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A96KHzStereo24BitFileIsMixedAndResampledTo16KHz()
    {
        // Left 440 Hz at 0.6, right 1000 Hz at 0.3: the mix holds each at half its level.
        const int rate = 96000;
        var seconds = 1.5;
        var frames = (int)(rate * seconds);
        var path = Write24BitStereo(rate, frames, t => 0.6 * Math.Sin(2 * Math.PI * 440 * t), t => 0.3 * Math.Sin(2 * Math.PI * 1000 * t));

        var audio = WavLoader.Load(path, out var fileRate);

        Assert.Equal(96000, fileRate);
        Assert.Equal(WavLoader.FallbackRate, audio.SampleRate);
        Assert.Equal(24000, audio.Samples.Length); // ceil(144000 * 16000 / 96000)
        // Away from the ends (the filter's edges), each tone is there at half its level.
        var middle = audio.Samples.AsSpan(1600, 20800);
        Assert.InRange(Amplitude(middle, 440, audio.SampleRate), 0.295, 0.305);
        Assert.InRange(Amplitude(middle, 1000, audio.SampleRate), 0.1475, 0.1525);
    }

    [Fact]
    public void DownsamplingRemovesWhatWouldAlias()
    {
        // 30 kHz is above 16 kHz audio's 8 kHz Nyquist: dropping samples would fold it to 2 kHz.
        const int rate = 96000;
        var path = Write24BitStereo(rate, rate, t => 0.5 * Math.Sin(2 * Math.PI * 30000 * t), t => 0.5 * Math.Sin(2 * Math.PI * 30000 * t));

        var audio = WavLoader.Load(path);

        var middle = audio.Samples.AsSpan(1600, 12800);
        var rms = Math.Sqrt(middle.ToArray().Average(s => (s / 32768.0) * (s / 32768.0)));
        Assert.True(rms < 0.5 * 0.01, $"RMS {rms:0.00000} after resampling a 0.5 tone at 30 kHz: aliasing got through (-40 dB allowed).");
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void RatesAServerTakesAreKept(int rate)
    {
        var path = Write24BitStereo(rate, rate / 10, t => 0.5, t => 0.0);

        var audio = WavLoader.Load(path, out var fileRate);

        Assert.Equal(rate, fileRate);
        Assert.Equal(rate, audio.SampleRate);
        Assert.Equal(rate / 10, audio.Samples.Length);
        Assert.All(audio.Samples, s => Assert.InRange(s, 8191, 8193)); // (0.5 + 0) / 2 = 0.25 of full scale
    }

    [Fact]
    public void RatesBelowWhatAServerTakesAreUpsampled()
    {
        var path = Write24BitStereo(4000, 4000, t => 0.4 * Math.Sin(2 * Math.PI * 300 * t), t => 0.4 * Math.Sin(2 * Math.PI * 300 * t));

        var audio = WavLoader.Load(path);

        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(16000, audio.Samples.Length);
        Assert.InRange(Amplitude(audio.Samples.AsSpan(1600, 12800), 300, 16000), 0.39, 0.41);
    }

    /// <summary>The level of the <paramref name="hz"/> component (projection on sine and cosine), as a fraction of full scale.</summary>
    private static double Amplitude(ReadOnlySpan<short> samples, double hz, int rate)
    {
        double sin = 0, cos = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var phase = 2 * Math.PI * hz * i / rate;
            sin += samples[i] / 32768.0 * Math.Sin(phase);
            cos += samples[i] / 32768.0 * Math.Cos(phase);
        }

        return 2 * Math.Sqrt((sin * sin) + (cos * cos)) / samples.Length;
    }

    /// <summary>A 24-bit stereo WAVE_FORMAT_EXTENSIBLE file of <paramref name="frames"/> frames; the channels are functions of time in s.</summary>
    private string Write24BitStereo(int rate, int frames, Func<double, double> left, Func<double, double> right)
    {
        var l = new double[frames];
        var r = new double[frames];
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / rate;
            l[i] = left(t);
            r[i] = right(t);
        }

        var path = Path.Combine(_dir, $"{rate}-{Guid.NewGuid():N}.wav");
        Stereo24Wav.Write(path, l, r, rate);
        return path;
    }
}
