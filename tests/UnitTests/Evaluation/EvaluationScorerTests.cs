using LeaPformer.Evaluation;
using LeaPformer.Policy;

namespace LeaPformer.UnitTests.Evaluation;

public sealed class EvaluationScorerTests
{
    private const double Tolerance = 1e-9;

    // 4 words, |X| = 1000 ms, |Y*| = 4: AL rate 250 ms, tau = 3 -> (200 + 150 + 500) / 3.
    private static readonly EvaluatedInstance First = new(
        0, "/data/0.wav", "uno dos tres cuatro", "uno dos tres cinco", [200, 400, 1000, 1000], [250, 480, 1100, 1120], 1000);

    // 2 words, |Y*| = 2: rate 500 -> ((100 - 0) + (600 - 500)) / 2 = 100.
    private static readonly EvaluatedInstance Second = new(
        1, "/data/1.wav", "hola mundo", "hola mundo", [100, 600], [180, 700], 1000);

    // Nothing emitted: BLEU and chrF count it, latency skips it as SimulEval does.
    private static readonly EvaluatedInstance Silent = new(
        2, "/data/2.wav", "", "nada", [], [], 800);

    [Fact]
    public void Latency_is_the_mean_over_instances_that_emitted_words()
    {
        var scores = EvaluationScorer.Score([First, Second, Silent]);

        Assert.Equal(3, scores.InstanceCount);
        Assert.Equal(2, scores.LatencyInstanceCount);
        Assert.Equal(((850.0 / 3) + 100) / 2, scores.Latency.AL, Tolerance);
        Assert.Equal(
            (LatencyMetrics.LengthAdaptiveAverageLagging(First.DelaysMs, 1000, 4) + LatencyMetrics.LengthAdaptiveAverageLagging(Second.DelaysMs, 1000, 2)) / 2,
            scores.Latency.LAAL,
            Tolerance);
        Assert.Equal(
            (LatencyMetrics.DifferentiableAverageLagging(First.DelaysMs, 1000) + LatencyMetrics.DifferentiableAverageLagging(Second.DelaysMs, 1000)) / 2,
            scores.Latency.DAL,
            Tolerance);

        // AP: (2600 / (1000 * 4) + 700 / (1000 * 2)) / 2.
        Assert.Equal((0.65 + 0.35) / 2, scores.Latency.AP, Tolerance);
    }

    [Fact]
    public void Computation_aware_latency_uses_the_elapsed_times()
    {
        var scores = EvaluationScorer.Score([First, Second]);

        Assert.Equal(
            (LatencyMetrics.AverageLagging(First.ElapsedMs, 1000, 4) + LatencyMetrics.AverageLagging(Second.ElapsedMs, 1000, 2)) / 2,
            scores.ComputationAwareLatency.AL,
            Tolerance);
        Assert.True(scores.ComputationAwareLatency.AL > scores.Latency.AL);
        Assert.Equal((2950.0 / 4000 + 880.0 / 2000) / 2, scores.ComputationAwareLatency.AP, Tolerance);
    }

    [Fact]
    public void Quality_is_corpus_bleu_and_chrf_over_every_prediction()
    {
        var scores = EvaluationScorer.Score([First, Second, Silent]);
        string[] hyps = [First.Prediction, Second.Prediction, Silent.Prediction];
        string[] refs = [First.Reference, Second.Reference, Silent.Reference];

        Assert.Equal(SacreBleu.Corpus(hyps, refs).Score, scores.Bleu.Score);
        Assert.Equal(ChrF.Corpus(hyps, refs).Score, scores.ChrF.Score);
    }

    [Fact]
    public void Latency_is_nan_when_no_instance_emitted_anything()
    {
        var scores = EvaluationScorer.Score([Silent]);
        Assert.True(double.IsNaN(scores.Latency.AL));
        Assert.True(double.IsNaN(scores.ComputationAwareLatency.DAL));
        Assert.Equal(0, scores.LatencyInstanceCount);
    }

    [Fact]
    public void Reference_length_counts_single_spaces_as_simulevals_split()
    {
        Assert.Equal(4, First.ReferenceLength);
        var doubleSpaced = new EvaluatedInstance(0, "a.wav", "x", "a  b", [10], [10], 100);
        Assert.Equal(3, doubleSpaced.ReferenceLength); // "a  b".split(" ") == ["a", "", "b"]
    }

    [Fact]
    public void Delays_must_be_one_per_predicted_word()
    {
        var e = Assert.Throws<ArgumentException>(() => new EvaluatedInstance(5, "a.wav", "dos palabras", "x", [10], [10, 20], 100));
        Assert.Contains("Instance 5", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluatedInstance(0, "a.wav", "", "x", [], [], 0));
    }
}
