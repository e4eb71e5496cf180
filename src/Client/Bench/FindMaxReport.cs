namespace LeaPformer.Client.Bench;

/// <summary><c>bench --find-max</c>: one paced run per stream count, in order, until one does not hold real time.</summary>
/// <param name="MaxStreamsRealTime">The largest count that held real time; 0 when none did.</param>
internal sealed record FindMaxReport(double LagThresholdMs, int MaxStreamsRealTime, IReadOnlyList<BenchReport> Steps);
