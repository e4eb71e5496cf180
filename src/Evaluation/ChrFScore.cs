using System.Globalization;

namespace LeaPformer.Evaluation;

/// <summary>A chrF score as sacreBLEU's <c>CHRFScore</c> reports it.</summary>
/// <param name="Score">chrF in [0, 100].</param>
/// <param name="Signature">e.g. <c>nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0</c>.</param>
public sealed record ChrFScore(double Score, int CharOrder, int Beta, string Signature)
{
    /// <summary>sacreBLEU's metric name: <c>chrF2</c> for beta 2.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"chrF{Beta}");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}|{Signature} = {Score:F2}");
}
