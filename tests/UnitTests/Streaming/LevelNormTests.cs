using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;
using LeaPformer.Streaming.Onnx;
using LeaPformer.UnitTests.Support;
using Xunit.Abstractions;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>
/// The front end's level normalisation ("level_norm": "peak", docs/bundle.md) against PyTorch's on a golden
/// utterance and its -45 dBFS copy (Fixtures/LevelNorm, from training/local/make_level_fixture.py).
/// </summary>
public sealed class LevelNormTests(ITestOutputHelper output)
{
    // The golden parity tolerance of FbankTests and EncoderParityTests.
    private const double Tolerance = 1e-3;

    // Quiet copy against loud one, mean |difference| of the CMVN'd features over the frames within 20 dB of
    // the running peak (0.037 measured; 1.39 without the level normalisation). Not 1e-3: the -45 dBFS copy
    // peaks at 184 of 32768, so its weak mel bins sink into 16-bit quantisation noise and digital zeros.
    private const double QuietMeanTolerance = 0.05;

    private static readonly Lazy<LevelNormFixture> Data = new(LevelNormFixture.Load);

    [Theory]
    [InlineData("loud", 1)]
    [InlineData("loud", 157)]
    [InlineData("loud", 401)]
    [InlineData("loud", 4999)]
    [InlineData("loud", 100000)]
    [InlineData("quiet", 1)]
    [InlineData("quiet", 157)]
    [InlineData("quiet", 401)]
    [InlineData("quiet", 4999)]
    [InlineData("quiet", 100000)]
    public void Levelled_features_match_pytorch(string copy, int chunk)
    {
        var data = Data.Value;
        var expected = copy == "loud" ? data.Loud : data.Quiet;
        Assert.Equal(LevelNormalization.Peak, data.Cmvn.LevelNorm);

        var rows = Run(data.Cmvn, expected.Samples, chunk);
        output.WriteLine($"{copy} ({expected.PeakDbfs} dBFS peak) in chunks of {chunk}: max abs difference to PyTorch {MaxAbsDiff(expected.Features, rows):E2}");
        FbankTests.AssertClose(expected.Features, rows, $"{copy} in chunks of {chunk}", Tolerance);
    }

    [Fact]
    public void Levelled_features_do_not_depend_on_chunking()
    {
        var data = Data.Value;
        var whole = Run(data.Cmvn, data.Quiet.Samples, data.Quiet.Samples.Length);
        foreach (int chunk in (int[])[1, 159, 160, 401, 16000])
        {
            var chunked = Run(data.Cmvn, data.Quiet.Samples, chunk);
            Assert.Equal(whole.Count, chunked.Count);
            for (int i = 0; i < whole.Count; i++)
            {
                Assert.Equal(whole[i], chunked[i]); // bit-identical: the peak moves once per frame, in frame order
            }
        }
    }

    [Fact]
    public void The_quiet_copy_gives_the_loud_copys_features_where_there_is_speech()
    {
        var data = Data.Value;
        var loud = Run(data.Cmvn, data.Loud.Samples, 480);
        var quiet = Run(data.Cmvn, data.Quiet.Samples, 480);

        // level - peak of every frame: the levelled rows without CMVN, averaged over the bins.
        var identity = new Cmvn(new float[80], Enumerable.Repeat(1f, 80).ToArray(), LevelNormalization.Peak, data.Cmvn.LevelDecay);
        var levels = Run(identity, data.Loud.Samples, 480).Select(row => row.Average()).ToList();
        var speech = Enumerable.Range(0, loud.Count).Where(t => levels[t] >= -Math.Log(100)).ToList(); // within 20 dB
        Assert.InRange(speech.Count, loud.Count / 2, loud.Count);

        var plain = new Cmvn(data.Cmvn.Mean, data.Cmvn.Istd);
        double levelled = MeanAbsDiff(loud, quiet, speech);
        double unlevelled = MeanAbsDiff(Run(plain, data.Loud.Samples, 480), Run(plain, data.Quiet.Samples, 480), speech);
        output.WriteLine(
            $"{data.Loud.PeakDbfs} vs {data.Quiet.PeakDbfs} dBFS peak, {speech.Count} of {loud.Count} frames within 20 dB of the peak: "
            + $"mean abs difference {levelled:F4} levelled (max {speech.Max(t => MaxAbsDiff([loud[t]], [quiet[t]])):F3}), {unlevelled:F3} without");
        Assert.True(levelled <= QuietMeanTolerance, $"quiet vs loud: mean abs difference {levelled:F4} > {QuietMeanTolerance}");
        Assert.True(unlevelled > 1, $"without levelling the copies differ by only {unlevelled:F3}: the fixture does not test a gain");
    }

    [Fact]
    public void Each_segment_starts_with_no_peak()
    {
        // A loud utterance, then the quiet copy: carried over, the loud peak would level the quiet segment.
        var data = Data.Value;
        var endpoint = EndpointOptions.Default with { SpeechThresholdDbfs = -100, NoiseMarginDb = null }; // hears -45 dBFS speech
        var gap = TestAudio.Silence(1500);
        var stream = TestAudio.Concat(data.Loud.Samples, gap, data.Quiet.Samples, gap);
        var frontEnd = new AudioFrontEnd(16000, data.Cmvn, endpoint);
        for (int start = 0; start < stream.Length; start += 777)
        {
            frontEnd.Accept(stream.AsSpan(start, Math.Min(777, stream.Length - start)));
        }

        frontEnd.Finish();
        var segments = frontEnd.Segments.ToList();
        Assert.Equal(2, segments.Count);
        var second = segments[1];
        Assert.InRange(second.StartSample, data.Loud.Samples.Length, stream.Length);

        var alone = Run(data.Cmvn, stream[(int)second.StartSample..(int)second.EndSample], 100000);
        Assert.True(alone.Count > 100);
        int offset = (int)segments[0].RowsAppended;
        for (int i = 0; i < alone.Count; i++)
        {
            Assert.Equal(alone[i], frontEnd.Features.Row(offset + i).ToArray());
        }
    }

    [Fact]
    public void Levelled_front_end_allocates_nothing_per_chunk()
    {
        var data = Data.Value;
        var frontEnd = new AudioFrontEnd(16000, data.Cmvn);
        var samples = data.Loud.Samples;
        void Feed(int from)
        {
            for (int start = from; start < from + 16000; start += 320)
            {
                frontEnd.Accept(samples.AsSpan(start, 320));
                frontEnd.Consume(frontEnd.Segments.Peek(), frontEnd.Features.Count);
            }
        }

        Feed(0); // warm
        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(16000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_recurrence_is_the_documented_one()
    {
        var level = new LevelNormalizer(0.5);
        float[] Row(float v) => Enumerable.Repeat(v, 4).ToArray();
        var rows = new[] { Row(3), Row(10), Row(9), Row(8), Row(1), Row(9.2f) };
        foreach (var row in rows)
        {
            level.Apply(row);
        }

        // peak: 3 (the first frame), 10, max(9.5, 9), max(9, 8), max(8.5, 1), max(8, 9.2)
        Assert.Equal([0f, 0f, -0.5f, -1f, -7.5f, 0f], rows.Select(r => r[0]));
        level.Reset();
        var first = Row(-4);
        level.Apply(first);
        Assert.Equal(Row(0), first);
    }

    [Fact]
    public void Cmvn_json_level_keys_are_read()
    {
        using var dir = new TempDir();
        Assert.Equal(LevelNormalization.None, Cmvn.Load(dir.Write("")).LevelNorm); // every bundle before the keys
        Assert.Equal(LevelNormalization.None, Cmvn.Load(dir.Write(", \"level_norm\": \"none\"")).LevelNorm);
        var peak = Cmvn.Load(dir.Write(", \"level_norm\": \"peak\""));
        Assert.Equal((LevelNormalization.Peak, 0.005), (peak.LevelNorm, peak.LevelDecay));
        var slow = Cmvn.Load(dir.Write(", \"level_norm\": \"peak\", \"level_decay\": 0.001"));
        Assert.Equal((LevelNormalization.Peak, 0.001), (slow.LevelNorm, slow.LevelDecay));
    }

    [Theory]
    [InlineData("\"level_norm\": \"rms\"", "rms")]
    [InlineData("\"level_norm\": \"Peak\"", "Peak")]
    [InlineData("\"level_norm\": 1", "level_norm")]
    [InlineData("\"level_norm\": null", "level_norm")]
    [InlineData("\"level_norm\": \"peak\", \"level_decay\": -0.01", "level_decay")]
    [InlineData("\"level_norm\": \"peak\", \"level_decay\": \"slow\"", "level_decay")]
    public void An_unknown_level_norm_or_a_bad_decay_is_refused(string keys, string named)
    {
        using var dir = new TempDir();
        string path = dir.Write(", " + keys);
        var e = Assert.Throws<ModelBundleException>(() => Cmvn.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Graph_metadata_must_agree_with_cmvn_json_where_it_has_the_key()
    {
        var none = new Cmvn(new float[80], new float[80]);
        var peak = new Cmvn(new float[80], new float[80], LevelNormalization.Peak);
        BundleLoader.CheckLevelNorm("encoder.onnx", new Dictionary<string, string>(), "cmvn.json", peak); // graphs from before the key
        BundleLoader.CheckLevelNorm("encoder.onnx", new Dictionary<string, string> { ["level_norm"] = "peak" }, "cmvn.json", peak);
        BundleLoader.CheckLevelNorm("encoder.onnx", new Dictionary<string, string> { ["level_norm"] = "none" }, "cmvn.json", none);
        var e = Assert.Throws<ModelBundleException>(
            () => BundleLoader.CheckLevelNorm("/b/encoder.onnx", new Dictionary<string, string> { ["level_norm"] = "peak" }, "/b/cmvn.json", none));
        Assert.Equal("/b/cmvn.json", e.FilePath);
        Assert.Contains("encoder.onnx", e.Message);
        Assert.Contains("'peak'", e.Message);
    }

    private static List<float[]> Run(Cmvn cmvn, float[] samples, int chunk)
    {
        var frontEnd = new AudioFrontEnd(16000, cmvn);
        for (int start = 0; start < samples.Length; start += chunk)
        {
            frontEnd.Accept(samples.AsSpan(start, Math.Min(chunk, samples.Length - start)));
        }

        frontEnd.Finish();
        return Enumerable.Range(0, frontEnd.Features.Count).Select(i => frontEnd.Features.Row(i).ToArray()).ToList();
    }

    private static double MaxAbsDiff(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b) =>
        a.Zip(b).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs((double)v.First - v.Second)));

    private static double MeanAbsDiff(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b, IReadOnlyList<int> frames) =>
        frames.SelectMany(t => a[t].Zip(b[t]).Select(v => Math.Abs((double)v.First - v.Second))).Average();

    /// <summary>A scratch folder for cmvn.json files: mean 0, istd 1, and the extra keys given.</summary>
    private sealed class TempDir : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("leapformer-cmvn-").FullName;
        private int _count;

        public string Write(string extraKeys)
        {
            string path = Path.Combine(_path, $"cmvn{_count++}.json");
            string mean = string.Join(", ", Enumerable.Repeat("0.0", 80));
            string istd = string.Join(", ", Enumerable.Repeat("1.0", 80));
            File.WriteAllText(path, $"{{\"mean\": [{mean}], \"istd\": [{istd}]{extraKeys}}}");
            return path;
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
