namespace LeaPformer.Evaluation;

/// <summary>What <see cref="PairedBootstrap.Run"/> found, for BLEU and chrF on the same resamples.</summary>
/// <param name="Segments">Segments in the test set (and in each resample).</param>
/// <param name="Resamples">Resamples drawn.</param>
/// <param name="Seed">The seed they were drawn from.</param>
public sealed record PairedBootstrapResult(
    int Segments,
    int Resamples,
    int Seed,
    MetricComparison Bleu,
    MetricComparison ChrF);
