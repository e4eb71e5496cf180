namespace LeaPformer.Evaluation;

/// <summary>Every metric of one evaluated test set.</summary>
/// <param name="Latency">From per-word delays: the policy's latency (SimulEval's AL, LAAL, DAL, AP).</param>
/// <param name="ComputationAwareLatency">From per-word elapsed times: latency including compute (SimulEval's _CA).</param>
/// <param name="InstanceCount">Instances scored for quality.</param>
/// <param name="LatencyInstanceCount">Instances with at least one word, the ones latency averages over.</param>
public sealed record EvaluationScores(
    BleuScore Bleu,
    ChrFScore ChrF,
    LatencyScores Latency,
    LatencyScores ComputationAwareLatency,
    int InstanceCount,
    int LatencyInstanceCount);
