namespace LeaPformer.Evaluation;

/// <summary>One metric's paired bootstrap comparison of a system with a baseline.</summary>
/// <param name="Name">The metric as sacreBLEU names it: <c>BLEU</c>, <c>chrF2</c>.</param>
/// <param name="Signature">sacreBLEU's signature of the actual scores.</param>
/// <param name="Difference">System minus baseline, per resample (both scored on the same segments).</param>
/// <param name="PValue">
/// Two-sided: the chance of a difference at least this large between two systems that are in truth
/// equally good, as sacreBLEU's paired bootstrap computes it (see <see cref="PairedBootstrap"/>).
/// </param>
public sealed record MetricComparison(
    string Name,
    string Signature,
    BootstrapEstimate Baseline,
    BootstrapEstimate System,
    BootstrapEstimate Difference,
    double PValue);
