using System.Globalization;

namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// sacreBLEU 2.x signatures (metrics/base.py <c>Signature.format</c>): <c>key:value</c> pairs joined
/// by <c>|</c>, nrefs first and version last.
/// </summary>
internal static class SacreBleuSignature
{
    /// <param name="referenceCount">References per segment; null when it varies (<c>var</c>).</param>
    public static string Bleu(int? referenceCount, BleuOptions options)
    {
        string smooth = options.Smoothing switch
        {
            BleuSmoothing.None => "none",
            BleuSmoothing.Exp => "exp",
            BleuSmoothing.Floor => Bracketed("floor", options.ResolvedSmoothValue),
            _ => Bracketed("add-k", options.ResolvedSmoothValue),
        };
        string tok = options.Tokenizer == BleuTokenizer.Mteval13a ? "13a" : "none";
        return $"nrefs:{NRefs(referenceCount)}|case:{Case(options.Lowercase)}|eff:{YesNo(options.EffectiveOrder)}|tok:{tok}|smooth:{smooth}|version:{SacreBleu.Version}";
    }

    public static string ChrF(int? referenceCount, ChrFOptions options) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"nrefs:{NRefs(referenceCount)}|case:{Case(options.Lowercase)}|eff:{YesNo(!options.EpsSmoothing)}|nc:{options.CharOrder}|nw:0|space:{YesNo(options.Whitespace)}|version:{SacreBleu.Version}");

    private static string Bracketed(string method, double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{method}[{value:F2}]");

    private static string NRefs(int? count) =>
        count?.ToString(CultureInfo.InvariantCulture) ?? "var";

    private static string Case(bool lowercase) => lowercase ? "lc" : "mixed";

    private static string YesNo(bool value) => value ? "yes" : "no";
}
