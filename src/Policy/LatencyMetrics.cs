namespace LeaPformer.Policy;

/// <summary>
/// Sentence-level latency metrics with SimulEval's definitions
/// (simuleval/evaluator/scorers/latency_scorer.py). Delays and the source length are in ms
/// of source audio; a delay is the source read when the token was committed.
/// </summary>
/// <remarks>
/// The <c>referenceLength</c> parameters follow SimulEval's <c>use_ref_len</c>: when given,
/// |Y| is the reference length in tokens; when null, the hypothesis length.
/// Empty delay lists throw: SimulEval skips such instances instead of scoring them.
/// </remarks>
public static class LatencyMetrics
{
    /// <summary>
    /// Average Lagging (STACL): (1/tau) sum_{i&lt;=tau} d_i - (i-1) |X|/|Y|, tau = the first token whose
    /// delay reaches the source length. If the first delay exceeds the source, AL is that delay.
    /// </summary>
    public static double AverageLagging(IReadOnlyList<double> delaysMs, double sourceMs, int? referenceLength = null)
    {
        Validate(delaysMs, sourceMs, referenceLength);
        int targetLength = referenceLength ?? delaysMs.Count;
        return Lagging(delaysMs, sourceMs, targetLength);
    }

    /// <summary>
    /// Length-Adaptive Average Lagging: AL with the rate |X| / max(|Y|, |Y*|), so over-generation
    /// is not rewarded.
    /// </summary>
    public static double LengthAdaptiveAverageLagging(IReadOnlyList<double> delaysMs, double sourceMs, int? referenceLength = null)
    {
        Validate(delaysMs, sourceMs, referenceLength);
        int targetLength = Math.Max(delaysMs.Count, referenceLength ?? 0);
        return Lagging(delaysMs, sourceMs, targetLength);
    }

    /// <summary>
    /// Differentiable Average Lagging (MILk): d'_1 = d_1, d'_i = max(d_i, d'_{i-1} + |X|/|Y|),
    /// DAL = (1/|Y|) sum_i d'_i - (i-1) |X|/|Y|, with |Y| the hypothesis length (as SimulEval does).
    /// </summary>
    public static double DifferentiableAverageLagging(IReadOnlyList<double> delaysMs, double sourceMs)
    {
        Validate(delaysMs, sourceMs, null);
        int targetLength = delaysMs.Count;
        double gamma = targetLength / sourceMs; // target tokens per ms of source, as SimulEval writes it
        double sum = 0;
        double previous = 0;
        for (int i = 0; i < targetLength; i++)
        {
            double d = i == 0 ? delaysMs[0] : Math.Max(delaysMs[i], previous + (1 / gamma));
            sum += d - (i / gamma);
            previous = d;
        }

        return sum / targetLength;
    }

    /// <summary>Average Proportion: sum(d_i) / (|X| |Y|), a fraction in (0, 1] for causal delays.</summary>
    public static double AverageProportion(IReadOnlyList<double> delaysMs, double sourceMs, int? referenceLength = null)
    {
        Validate(delaysMs, sourceMs, referenceLength);
        int targetLength = referenceLength ?? delaysMs.Count;
        double sum = 0;
        for (int i = 0; i < delaysMs.Count; i++)
        {
            sum += delaysMs[i];
        }

        return sum / (sourceMs * targetLength);
    }

    private static double Lagging(IReadOnlyList<double> delaysMs, double sourceMs, int targetLength)
    {
        if (delaysMs[0] > sourceMs)
        {
            return delaysMs[0];
        }

        // Computed as SimulEval does (t / gamma with gamma = |Y| / |X|) so results agree to the last bit.
        double gamma = targetLength / sourceMs;
        double sum = 0;
        int tau = 0;
        for (int t = 0; t < delaysMs.Count; t++)
        {
            sum += delaysMs[t] - (t / gamma);
            tau = t + 1;
            if (delaysMs[t] >= sourceMs)
            {
                break;
            }
        }

        return sum / tau;
    }

    private static void Validate(IReadOnlyList<double> delaysMs, double sourceMs, int? referenceLength)
    {
        ArgumentNullException.ThrowIfNull(delaysMs);
        if (delaysMs.Count == 0)
        {
            throw new ArgumentException("Latency needs at least one delay; SimulEval skips instances without output.", nameof(delaysMs));
        }

        if (!(sourceMs > 0) || double.IsInfinity(sourceMs))
        {
            throw new ArgumentOutOfRangeException(nameof(sourceMs), sourceMs, "The source length must be a positive, finite number of ms.");
        }

        if (referenceLength is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(r, 1, nameof(referenceLength));
        }
    }
}
