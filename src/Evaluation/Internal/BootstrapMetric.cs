namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// One metric's per-segment statistics for the baseline and the system, extracted once, and the
/// arithmetic of the paired bootstrap over them (sacreBLEU's significance.py <c>_paired_bs_test</c>).
/// </summary>
/// <param name="score">The corpus score of statistics summed over any segments.</param>
internal sealed class BootstrapMetric(string name, string signature, long[][] baseline, long[][] system, Func<long[], double> score)
{
    // Reused by every resample: one draw sums each system's statistics once.
    private readonly long[] _baselineSum = new long[baseline[0].Length];
    private readonly long[] _systemSum = new long[system[0].Length];

    public double BaselineActual { get; } = score(SummedStatistics.Sum(baseline));

    public double SystemActual { get; } = score(SummedStatistics.Sum(system));

    /// <summary>Both systems scored on the same resample of segments (the draw is what makes the test paired).</summary>
    public (double Baseline, double System) Score(ReadOnlySpan<int> segments)
    {
        Array.Clear(_baselineSum);
        Array.Clear(_systemSum);
        foreach (int s in segments)
        {
            SummedStatistics.Add(_baselineSum, baseline[s]);
            SummedStatistics.Add(_systemSum, system[s]);
        }

        return (score(_baselineSum), score(_systemSum));
    }

    public MetricComparison Compare(double[] baselineScores, double[] systemScores)
    {
        var differences = new double[baselineScores.Length];
        for (int i = 0; i < differences.Length; i++)
        {
            differences[i] = systemScores[i] - baselineScores[i];
        }

        return new MetricComparison(
            name,
            signature,
            Estimate(BaselineActual, baselineScores),
            Estimate(SystemActual, systemScores),
            Estimate(SystemActual - BaselineActual, differences),
            PValue(SystemActual - BaselineActual, differences));
    }

    /// <summary>
    /// sacreBLEU's paired-bs p-value (<c>_paired_bs_test</c> with <c>_compute_p_value</c>, taken from
    /// multeval): the absolute resampled differences, shifted to mean 0 so they follow the null
    /// hypothesis, are counted where they exceed the actual absolute difference, and
    /// p = (count + 1) / (N + 1). That is the add-one estimate, not Moses' count(>=) / N.
    /// </summary>
    private static double PValue(double actualDifference, double[] differences)
    {
        double actual = Math.Abs(actualDifference);
        double mean = differences.Average(Math.Abs);

        // No resample told the systems apart (identical statistics, or both scoring 0 throughout): no
        // evidence of a difference, p = 1. sacreBLEU's formula would give 1 / (N + 1) here, calling a
        // system significantly different from itself, because its count is strict and the shifted
        // differences are all exactly 0.
        if (actual == 0 && mean == 0)
        {
            return 1.0;
        }

        int count = differences.Count(d => Math.Abs(d) - mean > actual);
        return (count + 1.0) / (differences.Length + 1.0);
    }

    /// <summary>sacreBLEU's <c>estimate_ci</c>, keeping the interval's ends rather than its half-width.</summary>
    private static BootstrapEstimate Estimate(double actual, double[] scores)
    {
        double[] sorted = [.. scores];
        Array.Sort(sorted);
        int lower = sorted.Length / 40;
        return new BootstrapEstimate(actual, scores.Average(), sorted[lower], sorted[sorted.Length - lower - 1]);
    }
}
