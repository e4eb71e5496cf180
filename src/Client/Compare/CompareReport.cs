using System.Globalization;
using LeaPformer.Evaluation;

namespace LeaPformer.Client.Compare;

/// <summary>compare's table: each metric's actual score, bootstrap mean and 95% interval per system and for the difference.</summary>
internal static class CompareReport
{
    public static void Write(TextWriter output, PairedBootstrapResult result, string baselinePath, string systemPath)
    {
        output.WriteLine(Invariant($"compare: {result.Segments} segments, paired bootstrap over {result.Resamples} resamples, seed {result.Seed}"));
        output.WriteLine($"  baseline  {baselinePath}");
        output.WriteLine($"  system    {systemPath}");
        output.WriteLine(Invariant($"  {"",-8}{"",-12}{"actual",8}{"mean",8}  {"95% interval",-18}{"p",8}"));
        foreach (var metric in new[] { result.Bleu, result.ChrF })
        {
            output.WriteLine(Row(metric.Name, "baseline", metric.Baseline, null));
            output.WriteLine(Row("", "system", metric.System, null));
            output.WriteLine(Row("", "difference", metric.Difference, metric.PValue));
        }

        output.WriteLine($"{result.Bleu.Name}|{result.Bleu.Signature}");
        output.WriteLine($"{result.ChrF.Name}|{result.ChrF.Signature}");
        output.WriteLine("difference = system - baseline; p: two-sided, sacreBLEU's paired-bs definition (below 0.05: more than sampling noise)");
    }

    private static string Row(string metric, string name, BootstrapEstimate estimate, double? p)
    {
        var interval = Invariant($"[{estimate.Lower:0.00}, {estimate.Upper:0.00}]");
        var pValue = p is { } value ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "";
        return Invariant($"  {metric,-8}{name,-12}{estimate.Actual,8:0.00}{estimate.Mean,8:0.00}  {interval,-18}{pValue,8}").TrimEnd();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
