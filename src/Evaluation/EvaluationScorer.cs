using LeaPformer.Policy;

namespace LeaPformer.Evaluation;

/// <summary>
/// Scores a test set the way SimulEval scores speech-to-text: corpus BLEU and chrF over all
/// predictions, and each latency metric averaged over instances, with SimulEval's defaults
/// (reference length as |Y| for AL and AP, word latency unit) via <see cref="LatencyMetrics"/>.
/// </summary>
public static class EvaluationScorer
{
    public static EvaluationScores Score(IReadOnlyList<EvaluatedInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0)
        {
            throw new ArgumentException("There are no instances to score.", nameof(instances));
        }

        var predictions = instances.Select(i => i.Prediction).ToArray();
        var references = instances.Select(i => i.Reference).ToArray();
        var timed = instances.Where(i => i.PredictionLength > 0).ToArray();

        return new EvaluationScores(
            SacreBleu.Corpus(predictions, references),
            ChrF.Corpus(predictions, references),
            Latency(timed, i => i.DelaysMs),
            Latency(timed, i => i.ElapsedMs),
            instances.Count,
            timed.Length);
    }

    private static LatencyScores Latency(EvaluatedInstance[] instances, Func<EvaluatedInstance, IReadOnlyList<double>> times) =>
        new(
            Mean(instances, i => LatencyMetrics.AverageLagging(times(i), i.SourceLengthMs, i.ReferenceLength)),
            Mean(instances, i => LatencyMetrics.LengthAdaptiveAverageLagging(times(i), i.SourceLengthMs, i.ReferenceLength)),
            Mean(instances, i => LatencyMetrics.DifferentiableAverageLagging(times(i), i.SourceLengthMs)),
            Mean(instances, i => LatencyMetrics.AverageProportion(times(i), i.SourceLengthMs, i.ReferenceLength)));

    private static double Mean(EvaluatedInstance[] instances, Func<EvaluatedInstance, double> metric) =>
        instances.Length == 0 ? double.NaN : instances.Sum(metric) / instances.Length;
}
