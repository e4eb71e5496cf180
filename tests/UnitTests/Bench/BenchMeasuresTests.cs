using LeaPformer.Client.Audio;
using LeaPformer.Client.Bench;

namespace LeaPformer.UnitTests.Bench;

/// <summary>The arithmetic behind <c>leapformer bench</c>: scrape parsing, histogram and sample quantiles, the audio it sends.</summary>
public sealed class BenchMeasuresTests
{
    private const string Scrape = """
        # HELP leapformer_chunk_compute_seconds Compute time for one audio message.
        # TYPE leapformer_chunk_compute_seconds histogram
        leapformer_chunk_compute_seconds_sum 1.5
        leapformer_chunk_compute_seconds_count 40
        leapformer_chunk_compute_seconds_bucket{le="0.001"} 10
        leapformer_chunk_compute_seconds_bucket{le="0.002"} 20
        leapformer_chunk_compute_seconds_bucket{le="0.004"} 40
        leapformer_chunk_compute_seconds_bucket{le="+Inf"} 40
        leapformer_rpcs_total{method="StreamingTranslate",code="OK"} 3
        leapformer_rpcs_total{method="Odd name",code="Cancelled"} 1 1700000000000
        process_cpu_seconds_total 12.25
        """;

    [Fact]
    public void A_scrape_is_read_by_series()
    {
        var snapshot = MetricsSnapshot.Parse(Scrape);

        Assert.Equal(12.25, snapshot.Value("process_cpu_seconds_total"));
        Assert.Null(snapshot.Value("process_working_set_bytes"));
        Assert.Equal(3, snapshot.Value("leapformer_rpcs_total{method=\"StreamingTranslate\",code=\"OK\"}"));
        Assert.Equal(1, snapshot.Labelled("leapformer_rpcs_total")["method=\"Odd name\",code=\"Cancelled\""]);
        Assert.Equal(
            [(0.001, 10.0), (0.002, 20.0), (0.004, 40.0), (double.PositiveInfinity, 40.0)],
            snapshot.Buckets("leapformer_chunk_compute_seconds"));
        Assert.Throws<FormatException>(() => MetricsSnapshot.Parse("no_value_here"));
        Assert.Throws<FormatException>(() => MetricsSnapshot.Parse("metric twelve"));
    }

    [Fact]
    public void Histogram_quantiles_interpolate_inside_the_bucket_that_holds_the_rank()
    {
        var buckets = MetricsSnapshot.Parse(Scrape).Buckets("leapformer_chunk_compute_seconds");

        var median = HistogramQuantiles.Quantile(buckets, 0.5)!;
        var p75 = HistogramQuantiles.Quantile(buckets, 0.75)!;
        var p10 = HistogramQuantiles.Quantile(buckets, 0.1)!;

        Assert.Equal(new BucketQuantile(0.002, 0.001, 0.002), median);   // rank 20 is the top of (1, 2] ms
        Assert.Equal(0.003, p75.Value, 12);                              // rank 30: halfway through (2, 4] ms
        Assert.Equal((0.002, 0.004), (p75.Lower, p75.Upper!.Value));
        Assert.Equal(0.0004, p10.Value, 12);                             // rank 4 of the first bucket, from 0
        Assert.Null(HistogramQuantiles.Quantile([(1.0, 0.0), (double.PositiveInfinity, 0.0)], 0.5));
    }

    [Fact]
    public void Histogram_differences_count_only_what_a_run_added_and_the_top_bucket_has_no_upper_bound()
    {
        var before = MetricsSnapshot.Parse(Scrape).Buckets("leapformer_chunk_compute_seconds");
        var after = MetricsSnapshot.Parse(Scrape.Replace("\"0.004\"} 40", "\"0.004\"} 41").Replace("\"+Inf\"} 40", "\"+Inf\"} 45"))
            .Buckets("leapformer_chunk_compute_seconds");

        var added = HistogramQuantiles.Difference(before, after);
        var p99 = HistogramQuantiles.Quantile(added, 0.99)!;

        Assert.Equal([(0.001, 0.0), (0.002, 0.0), (0.004, 1.0), (double.PositiveInfinity, 5.0)], added);
        Assert.Equal(new BucketQuantile(0.004, 0.004, null), p99); // above the largest bound: only the bound is known
    }

    [Fact]
    public void Sample_quantiles_are_exact_with_linear_interpolation()
    {
        float[] sorted = [1, 2, 3, 4];

        Assert.Equal(2.5, SampleQuantiles.Quantile(sorted, 0.5), 6);
        Assert.Equal(3.85, SampleQuantiles.Quantile(sorted, 0.95), 6);
        Assert.Equal(4, SampleQuantiles.Quantile(sorted, 1), 6);
        Assert.Equal(2.5, SampleQuantiles.Quantile([4.0, 1.0, 3.0, 2.0], 0.5), 6);
        Assert.True(double.IsNaN(SampleQuantiles.Quantile(ReadOnlySpan<float>.Empty, 0.5)));
    }

    [Fact]
    public void The_audio_is_the_wav_repeated_with_gaps_or_cut_to_the_duration_in_shared_chunks()
    {
        var wav = new PcmAudio([.. Enumerable.Range(1, 4000).Select(i => (short)i)], 16000); // 250 ms

        var repeated = BenchAudio.Create(wav, repeat: 3, durationSeconds: null, gapMs: 100, chunkMs: 100);
        var cut = BenchAudio.Create(wav, repeat: 1, durationSeconds: 0.6, gapMs: 0, chunkMs: 100);

        Assert.Equal((3 * 4000) + (2 * 1600), repeated.SampleCount);
        Assert.Equal(950, repeated.DurationMs, 9);
        Assert.Equal(10, repeated.Chunks.Count);
        Assert.Equal(2 * 800, repeated.Chunks[^1].Length); // the last 50 ms: 800 LINEAR16 samples
        Assert.Equal(9600, cut.SampleCount);
        Assert.Equal(6, cut.Chunks.Count);

        // The gap after the first copy is silence; the second copy starts again at sample value 1.
        var chunk2 = repeated.Chunks[2].Span; // samples 3200..4799: copy 1 ends at 4000, then the gap
        Assert.Equal(3201, BitConverter.ToInt16(chunk2[..2]));
        Assert.Equal(0, BitConverter.ToInt16(chunk2.Slice(2 * 800, 2)));
        var chunk3 = repeated.Chunks[3].Span; // samples 4800..6399: the gap ends at 5600
        Assert.Equal(1, BitConverter.ToInt16(chunk3.Slice(2 * 800, 2)));

        Assert.Equal(0, repeated.ChunkIndexForMs(0));
        Assert.Equal(0, repeated.ChunkIndexForMs(100));
        Assert.Equal(1, repeated.ChunkIndexForMs(100.1));
        Assert.Equal(2, repeated.ChunkIndexForMs(250));
        Assert.Equal(9, repeated.ChunkIndexForMs(950));
        Assert.Equal(9, repeated.ChunkIndexForMs(5000)); // tokens after the end carry the source length
        Assert.Equal(950, repeated.ChunkEndMs(9), 9);
        Assert.Throws<ArgumentException>(() => BenchAudio.Create(new PcmAudio([], 16000), 1, null, 0, 100));
    }
}
