using LeaPformer.Policy;

namespace LeaPformer.UnitTests.Policy;

/// <summary>Hand-computed values for SimulEval's definitions (delays and source length in ms).</summary>
public sealed class LatencyMetricsTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void AverageLagging_stops_at_the_first_token_reaching_the_source_end()
    {
        // |X| = 1000 ms, |Y| = 4, rate |X|/|Y| = 250 ms per token.
        // tau = 3 (d_3 = 1000 >= 1000): ((200 - 0) + (400 - 250) + (1000 - 500)) / 3 = 850 / 3.
        double[] delays = [200, 400, 1000, 1000];
        Assert.Equal(850.0 / 3, LatencyMetrics.AverageLagging(delays, 1000), Tolerance);
    }

    [Fact]
    public void AverageLagging_uses_the_reference_length_when_given()
    {
        // |Y*| = 5: rate 200 ms. tau = 3: (200 + (400 - 200) + (1000 - 400)) / 3 = 1000 / 3.
        double[] delays = [200, 400, 1000, 1000];
        Assert.Equal(1000.0 / 3, LatencyMetrics.AverageLagging(delays, 1000, referenceLength: 5), Tolerance);
    }

    [Fact]
    public void AverageLagging_of_a_first_delay_past_the_source_is_that_delay()
    {
        Assert.Equal(1200, LatencyMetrics.AverageLagging([1200, 1300], 1000), Tolerance);
    }

    [Fact]
    public void AverageLagging_without_reaching_the_end_averages_every_token()
    {
        // |X| = 1000, |Y| = 2, rate 500: ((100 - 0) + (600 - 500)) / 2 = 100.
        Assert.Equal(100, LatencyMetrics.AverageLagging([100, 600], 1000), Tolerance);
    }

    [Fact]
    public void LengthAdaptiveAverageLagging_uses_the_longer_of_hypothesis_and_reference()
    {
        double[] delays = [200, 400, 1000, 1000];

        // Reference 2 tokens, hypothesis 4: rate from 4 -> same as AL without reference: 850 / 3.
        Assert.Equal(850.0 / 3, LatencyMetrics.LengthAdaptiveAverageLagging(delays, 1000, referenceLength: 2), Tolerance);

        // Reference 5 tokens: rate 200 -> 1000 / 3, same as AL with the reference.
        Assert.Equal(1000.0 / 3, LatencyMetrics.LengthAdaptiveAverageLagging(delays, 1000, referenceLength: 5), Tolerance);

        // Over-generation is not rewarded: AL with the short reference would be smaller (rate 500).
        // AL(ref 2) = ((200 - 0) + (400 - 500) + (1000 - 1000)) / 3 = 100 / 3.
        Assert.Equal(100.0 / 3, LatencyMetrics.AverageLagging(delays, 1000, referenceLength: 2), Tolerance);
    }

    [Fact]
    public void DifferentiableAverageLagging_pushes_simultaneous_tokens_apart()
    {
        // |X| = 1000, |Y| = 4, step 250.
        // d' = 200, max(400, 450) = 450, max(1000, 700) = 1000, max(1000, 1250) = 1250.
        // DAL = ((200 - 0) + (450 - 250) + (1000 - 500) + (1250 - 750)) / 4 = 1400 / 4 = 350.
        double[] delays = [200, 400, 1000, 1000];
        Assert.Equal(350, LatencyMetrics.DifferentiableAverageLagging(delays, 1000), Tolerance);
    }

    [Fact]
    public void AverageProportion_is_the_mean_delay_over_the_source_length()
    {
        // (200 + 400 + 1000 + 1000) / (1000 * 4) = 0.65.
        double[] delays = [200, 400, 1000, 1000];
        Assert.Equal(0.65, LatencyMetrics.AverageProportion(delays, 1000), Tolerance);
        Assert.Equal(2600.0 / 5000, LatencyMetrics.AverageProportion(delays, 1000, referenceLength: 5), Tolerance);
    }

    [Fact]
    public void Offline_decoding_lags_by_the_whole_source()
    {
        double[] delays = [1000, 1000, 1000];
        Assert.Equal(1000, LatencyMetrics.AverageLagging(delays, 1000), Tolerance);
        Assert.Equal(1.0, LatencyMetrics.AverageProportion(delays, 1000), Tolerance);
    }

    [Fact]
    public void Empty_delays_and_bad_source_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => LatencyMetrics.AverageLagging([], 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyMetrics.AverageLagging([10], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyMetrics.DifferentiableAverageLagging([10], double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyMetrics.AverageProportion([10], 1000, referenceLength: 0));
    }
}
