using LeaPformer.Streaming.FrontEnd;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class FbankTests(BundleFixture fixture)
{
    private const double Tolerance = 1e-3;

    [Fact]
    public void Fbank_matches_torchaudio_for_every_golden_wav()
    {
        foreach (var golden in fixture.Goldens)
        {
            var rows = Compute(golden.Samples, chunk: golden.Samples.Length);
            Assert.Equal(KaldiFbank.FrameCount(golden.NumSamples), golden.Fbank.Length);
            AssertClose(golden.Fbank, rows, golden.Name);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(159)]
    [InlineData(160)]
    [InlineData(401)]
    [InlineData(16000)]
    public void Fbank_does_not_depend_on_chunking(int chunk)
    {
        var golden = fixture.Goldens[0];
        var whole = Compute(golden.Samples, golden.Samples.Length);
        var chunked = Compute(golden.Samples, chunk);
        Assert.Equal(whole.Count, chunked.Count);
        for (int i = 0; i < whole.Count; i++)
        {
            Assert.Equal(whole[i], chunked[i]); // bit-identical: every frame sees the same 400 samples
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(399, 0)]
    [InlineData(400, 1)]
    [InlineData(559, 1)]
    [InlineData(560, 2)]
    [InlineData(40000, 248)]
    [InlineData(40202, 249)]
    public void Frame_count_follows_snip_edges(int samples, int frames)
    {
        Assert.Equal(frames, KaldiFbank.FrameCount(samples));
        Assert.Equal(frames, Compute(new float[samples], 1000).Count);
    }

    [Fact]
    public void Digital_silence_hits_the_log_floor()
    {
        var rows = Compute(new float[800], 800);
        Assert.All(rows, row => Assert.All(row, v => Assert.Equal(Math.Log(1.1920928955078125e-07), v, 1e-5)));
    }

    internal static List<float[]> Compute(ReadOnlySpan<float> samples, int chunk)
    {
        var fbank = new KaldiFbank();
        var queue = new FeatureQueue(fbank.Dim);
        for (int start = 0; start < samples.Length; start += chunk)
        {
            fbank.Accept(samples.Slice(start, Math.Min(chunk, samples.Length - start)), queue);
        }

        var rows = new List<float[]>();
        for (int i = 0; i < queue.Count; i++)
        {
            rows.Add(queue.Row(i).ToArray());
        }

        return rows;
    }

    internal static void AssertClose(float[][] expected, IReadOnlyList<float[]> actual, string what, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Count);
        double worst = 0;
        string where = "";
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
            {
                double diff = Math.Abs(expected[i][j] - actual[i][j]);
                if (!(diff <= worst))
                {
                    worst = diff;
                    where = $"[{i}][{j}]: expected {expected[i][j]}, got {actual[i][j]}";
                }
            }
        }

        Assert.True(worst <= tolerance, $"{what}: max abs difference {worst:E3} > {tolerance:E0} at {where}");
    }
}
