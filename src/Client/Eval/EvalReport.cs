using System.Globalization;
using LeaPformer.Evaluation;

namespace LeaPformer.Client.Eval;

/// <summary>The scores as eval prints them: sacreBLEU's own lines for quality, a table for latency.</summary>
internal static class EvalReport
{
    public static void Write(TextWriter output, EvalRun run)
    {
        var scores = run.Scores;
        output.WriteLine(scores.Bleu.ToString());
        output.WriteLine(scores.ChrF.ToString());
        output.WriteLine(Invariant(
            $"latency over {scores.LatencyInstanceCount} of {scores.InstanceCount} instances (per word; ms of source, AP a fraction):"));
        output.WriteLine(Invariant($"  {"",-18}{"AL",10}{"LAAL",10}{"DAL",10}{"AP",8}"));
        output.WriteLine(Row("non-CA (delays)", scores.Latency));
        output.WriteLine(Row("CA (elapsed)", scores.ComputationAwareLatency));
        var speed = run.Elapsed.TotalMilliseconds > 0 ? run.AudioMs / run.Elapsed.TotalMilliseconds : 0;
        output.WriteLine(Invariant($"{run.AudioMs / 1000:0.00} s of audio in {run.Elapsed.TotalSeconds:0.00} s ({speed:0.0}x real time)"));
    }

    private static string Row(string name, LatencyScores latency) =>
        Invariant($"  {name,-18}{Ms(latency.AL),10}{Ms(latency.LAAL),10}{Ms(latency.DAL),10}{Fraction(latency.AP),8}");

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Fraction(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
