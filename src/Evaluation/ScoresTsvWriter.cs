using LeaPformer.Evaluation.Internal;

namespace LeaPformer.Evaluation;

/// <summary>
/// Writes SimulEval's <c>scores.tsv</c>: a header and one row, quality first, then each latency
/// metric followed by its computation-aware <c>_CA</c> twin, in SimulEval's default metric order
/// (LAAL, AL, AP, DAL). Values are rounded to 3 decimals as SimulEval does; NaN is an empty cell
/// (pandas' <c>to_csv</c>).
/// </summary>
public static class ScoresTsvWriter
{
    public static IReadOnlyList<string> Columns { get; } =
        ["BLEU", "chrF", "LAAL", "LAAL_CA", "AL", "AL_CA", "AP", "AP_CA", "DAL", "DAL_CA"];

    public static void Write(TextWriter writer, EvaluationScores scores)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scores);
        var (plain, aware) = (scores.Latency, scores.ComputationAwareLatency);
        double[] values =
        [
            scores.Bleu.Score, scores.ChrF.Score,
            plain.LAAL, aware.LAAL, plain.AL, aware.AL, plain.AP, aware.AP, plain.DAL, aware.DAL,
        ];
        writer.Write(string.Join('\t', Columns));
        writer.Write('\n');
        writer.Write(string.Join('\t', values.Select(Cell)));
        writer.Write('\n');
    }

    public static void WriteFile(string path, EvaluationScores scores)
    {
        using var writer = new StreamWriter(path, append: false);
        Write(writer, scores);
    }

    private static string Cell(double value) =>
        double.IsNaN(value) ? string.Empty : PythonFloat.Repr(PythonFloat.Round(value, 3));
}
