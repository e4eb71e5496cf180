namespace LeaPformer.Client.Bench;

/// <summary>Exact quantiles of collected samples, interpolated linearly between the closest ranks (numpy's default).</summary>
internal static class SampleQuantiles
{
    /// <param name="sorted">Ascending.</param>
    /// <returns>NaN when there are no samples.</returns>
    public static double Quantile(ReadOnlySpan<float> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - (double)sorted[low]) * (position - low));
    }

    /// <returns>NaN when there are no samples.</returns>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
