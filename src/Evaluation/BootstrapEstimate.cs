namespace LeaPformer.Evaluation;

/// <summary>A score on the whole test set and its spread over bootstrap resamples of the segments.</summary>
/// <param name="Actual">The score of the whole test set, as scored without resampling.</param>
/// <param name="Mean">The mean over the resamples.</param>
/// <param name="Lower">The 95% interval's lower end: the resample at 2.5% of the sorted scores (index N / 40, as sacreBLEU and Moses take it).</param>
/// <param name="Upper">The upper end: index N - N / 40 - 1. sacreBLEU prints the mean ± half of Upper - Lower instead of the two ends.</param>
public sealed record BootstrapEstimate(double Actual, double Mean, double Lower, double Upper);
