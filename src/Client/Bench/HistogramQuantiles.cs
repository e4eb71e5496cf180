namespace LeaPformer.Client.Bench;

/// <summary>
/// Quantiles of the observations a Prometheus histogram gained between two scrapes, as PromQL's
/// <c>histogram_quantile</c> computes them: the bucket holding the rank, then linear interpolation
/// inside it. The true value lies somewhere in that bucket, so the bucket bounds are reported too.
/// </summary>
internal static class HistogramQuantiles
{
    /// <summary>The per-bucket increase from <paramref name="before"/> to <paramref name="after"/> (cumulative, sorted, +Inf last).</summary>
    public static IReadOnlyList<(double UpperBound, double Count)> Difference(
        IReadOnlyList<(double UpperBound, double Count)> before, IReadOnlyList<(double UpperBound, double Count)> after)
    {
        var earlier = before.ToDictionary(b => b.UpperBound, b => b.Count);
        return after.Select(b => (b.UpperBound, b.Count - earlier.GetValueOrDefault(b.UpperBound))).ToList();
    }

    /// <summary>The <paramref name="q"/> quantile (0..1); null when the buckets hold no observation.</summary>
    public static BucketQuantile? Quantile(IReadOnlyList<(double UpperBound, double Count)> cumulative, double q)
    {
        if (cumulative.Count == 0 || cumulative[^1].Count <= 0)
        {
            return null;
        }

        double rank = q * cumulative[^1].Count;
        double lower = 0, below = 0;
        foreach (var (upper, count) in cumulative)
        {
            if (count >= rank && count > below)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return new BucketQuantile(lower, lower, null); // above the top bound: only the bound is known
                }

                return new BucketQuantile(lower + ((upper - lower) * (rank - below) / (count - below)), lower, upper);
            }

            lower = upper;
            below = count;
        }

        return new BucketQuantile(lower, lower, null);
    }
}

/// <summary>An interpolated quantile and the bounds of the bucket it fell in (Upper null: the +Inf bucket), in the histogram's unit.</summary>
internal sealed record BucketQuantile(double Value, double Lower, double? Upper);
