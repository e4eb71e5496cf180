using LeaPformer.Evaluation;

namespace LeaPformer.Client.Eval;

/// <summary>What an evaluation run produced.</summary>
/// <param name="AudioMs">Total source audio streamed.</param>
/// <param name="Elapsed">Wall-clock time of the whole run.</param>
internal sealed record EvalRun(IReadOnlyList<EvaluatedInstance> Instances, EvaluationScores Scores, double AudioMs, TimeSpan Elapsed);
