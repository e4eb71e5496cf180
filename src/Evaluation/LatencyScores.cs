namespace LeaPformer.Evaluation;

/// <summary>
/// Corpus latency in ms of source audio: the mean over instances that emitted at least one word
/// (SimulEval skips the others), NaN when none did. AP is a fraction, not ms.
/// </summary>
public sealed record LatencyScores(double AL, double LAAL, double DAL, double AP);
