using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;
using LeaPformer.UnitTests.Support;
using Xunit.Abstractions;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>The committed Silero VAD v5 (models/vad) through ONNX Runtime, on the real recording and on silence and noise.</summary>
public sealed class SileroVadTests(ITestOutputHelper output) : IDisposable
{
    private readonly SileroVadModel _model = SileroVadModel.Load(ModelPath);

    public static string ModelPath => Path.Combine(TestBundle.RepoRoot, "models", "vad", "silero_vad.onnx");

    public void Dispose() => _model.Dispose();

    /// <summary>
    /// The recording (2.99 s: 299 frames) after 1 s and before 1 s of digital silence, its peak from -3 down to
    /// -80 dBFS: the normalised detector hears nearly all of it at every level (measured: 285-288 frames) and
    /// nothing in the silence before it or after its end (+300 ms); Silero on the raw samples fades below -55
    /// (measured: 221 frames at -55, 51 at -65, 0 at -70), which is why the detector normalises.
    /// </summary>
    [Theory]
    [InlineData(-3)]
    [InlineData(-45)]
    [InlineData(-65)]
    [InlineData(-80)]
    public void Speech_is_heard_at_every_level(double peakDbfs)
    {
        var clip = AtPeak(peakDbfs);
        var stream = TestAudio.Concat(new float[TestAudio.SampleRate], clip, new float[TestAudio.SampleRate]);
        using var vad = _model.CreateDetector(0.5, 0.35);
        var speech = Decide(vad, stream);
        using var raw = _model.CreateDetector(0.5, 0.35, normalize: false);
        output.WriteLine($"peak {peakDbfs} dBFS: {speech.Count(s => s)} speech frames normalised, {Decide(raw, stream).Count(s => s)} raw");

        Assert.InRange(speech.Count(s => s), 250, 320);
        Assert.DoesNotContain(true, speech[..100]);
        Assert.DoesNotContain(true, speech[(100 + 299 + 30)..]);
    }

    /// <summary>Digital silence and white noise from -90 to -10 dBFS RMS (the gain brings the quiet ones up to a loud level): never speech.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData(-90.0)]
    [InlineData(-70.0)]
    [InlineData(-50.0)]
    [InlineData(-30.0)]
    [InlineData(-10.0)]
    public void Silence_and_steady_noise_are_not_speech(double? noiseDbfs)
    {
        var audio = noiseDbfs is { } level ? RealSpeech.Noise(5000, level) : new float[5 * TestAudio.SampleRate];
        using var vad = _model.CreateDetector(0.5, 0.35);
        Assert.DoesNotContain(true, Decide(vad, audio));
    }

    /// <summary>The recording at -45 dBFS over white noise 20 dB below its RMS (-80 dBFS): still heard, the noise alone before it not.</summary>
    [Fact]
    public void Quiet_speech_in_noise_is_heard()
    {
        var stream = RealSpeech.Mix(TestAudio.Concat(new float[TestAudio.SampleRate], RealSpeech.Quiet, new float[TestAudio.SampleRate]), RealSpeech.Noise(1000, -80));
        using var vad = _model.CreateDetector(0.5, 0.35);
        var speech = Decide(vad, stream);
        output.WriteLine($"{speech.Count(s => s)} speech frames");
        Assert.InRange(speech.Count(s => s), 250, 320);
        Assert.DoesNotContain(true, speech[..100]);
    }

    /// <summary>Frames of any length (a stream's last one is short) add up to the same windows: the decisions do not depend on the framing.</summary>
    [Fact]
    public void Decisions_do_not_depend_on_how_the_audio_is_framed()
    {
        var stream = TestAudio.Concat(new float[TestAudio.SampleRate], RealSpeech.Quiet, new float[TestAudio.SampleRate]);
        using var a = _model.CreateDetector(0.5, 0.35);
        using var b = _model.CreateDetector(0.5, 0.35);
        var byFrames = Decide(a, stream);
        var bySamples = new List<bool>();
        int offset = 0;
        var random = new Random(3);
        while (offset < stream.Length)
        {
            int n = Math.Min(random.Next(1, 700), stream.Length - offset);
            bySamples.Add(b.IsSpeech(stream.AsSpan(offset, n)));
            offset += n;
        }

        Assert.Equal(a.LastProbability, b.LastProbability); // the same windows, bit for bit
        Assert.Equal(byFrames[^1], bySamples[^1]);
        Assert.Equal(byFrames.Count(x => x) > 0, bySamples.Contains(true));
    }

    /// <summary>The warm-up's throw-away stream leaves nothing behind: a new stream starts from zero state.</summary>
    [Fact]
    public void Warm_up_leaves_new_streams_as_they_were()
    {
        var clip = RealSpeech.Quiet;
        using var before = _model.CreateDetector(0.5, 0.35);
        var a = Decide(before, clip);
        float pa = before.LastProbability;
        _model.WarmUp();
        using var after = _model.CreateDetector(0.5, 0.35);
        Assert.Equal(a, Decide(after, clip));
        Assert.Equal(pa, after.LastProbability);
    }

    [Fact]
    public void Another_file_than_the_pinned_one_is_refused_unless_unverified()
    {
        string path = Path.Combine(Path.GetTempPath(), $"silero-{Guid.NewGuid():N}.onnx");
        try
        {
            var bytes = File.ReadAllBytes(ModelPath);
            File.WriteAllBytes(path, bytes);
            File.AppendAllText(path, " "); // one byte more: another hash
            var e = Assert.Throws<InvalidDataException>(() => SileroVadModel.Load(path));
            Assert.Contains("SHA-256", e.Message);
            Assert.Contains(SileroVadModel.PinnedSha256, e.Message);

            Assert.Throws<FileNotFoundException>(() => SileroVadModel.Load(path + ".absent"));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(SileroVadModel.PinnedSha256, _model.Sha256);
    }

    private static float[] AtPeak(double peakDbfs)
    {
        if (peakDbfs == -3)
        {
            return RealSpeech.Loud;
        }

        float gain = (float)Math.Pow(10, (peakDbfs - -45) / 20);
        return [.. RealSpeech.Quiet.Select(x => x * gain)];
    }

    private static bool[] Decide(ISpeechDetector vad, float[] audio)
        => [.. audio.Chunk(TestAudio.FrameSamples).Select(f => vad.IsSpeech(f))];
}
