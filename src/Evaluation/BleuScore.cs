using System.Globalization;

namespace LeaPformer.Evaluation;

/// <summary>A BLEU score with its sufficient statistics, as sacreBLEU's <c>BLEUScore</c> reports it.</summary>
/// <param name="Score">BLEU in [0, 100].</param>
/// <param name="Counts">Matched n-grams per order (1-based order n at index n - 1), before any add-k.</param>
/// <param name="Totals">Hypothesis n-grams per order, before any add-k.</param>
/// <param name="Precisions">Smoothed n-gram precisions in [0, 100].</param>
/// <param name="BrevityPenalty">exp(1 - ref_len / sys_len) when the hypothesis is shorter, else 1.</param>
/// <param name="Ratio">sys_len / ref_len (0 when ref_len is 0).</param>
/// <param name="SysLen">Hypothesis tokens after tokenization.</param>
/// <param name="RefLen">Closest reference tokens, summed over segments.</param>
/// <param name="Signature">sacreBLEU's reproducibility signature, e.g. <c>nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0</c>.</param>
public sealed record BleuScore(
    double Score,
    IReadOnlyList<int> Counts,
    IReadOnlyList<int> Totals,
    IReadOnlyList<double> Precisions,
    double BrevityPenalty,
    double Ratio,
    int SysLen,
    int RefLen,
    string Signature)
{
    /// <summary>sacreBLEU's text line: <c>BLEU|signature = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)</c>.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", c)));
        return string.Create(
            c,
            $"BLEU|{Signature} = {Score:F2} {precisions} (BP = {BrevityPenalty:F3} ratio = {Ratio:F3} hyp_len = {SysLen} ref_len = {RefLen})");
    }
}
