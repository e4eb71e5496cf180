namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// Sums per-segment metric statistics (BLEU's and chrF's are counts, so a corpus score is a
/// function of their sum), as sacreBLEU's <c>_aggregate_and_compute</c> does before scoring.
/// </summary>
internal static class SummedStatistics
{
    public static long[] Sum(IReadOnlyList<long[]> segments)
    {
        var sum = new long[segments[0].Length];
        foreach (long[] segment in segments)
        {
            Add(sum, segment);
        }

        return sum;
    }

    public static void Add(Span<long> sum, ReadOnlySpan<long> segment)
    {
        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] += segment[i];
        }
    }
}
