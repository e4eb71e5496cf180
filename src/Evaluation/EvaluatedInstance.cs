using LeaPformer.Evaluation.Internal;

namespace LeaPformer.Evaluation;

/// <summary>
/// One evaluated utterance, in SimulEval's terms for speech-to-text (word latency unit): one delay
/// and one elapsed time per whitespace-separated word of <see cref="Prediction"/>.
/// </summary>
public sealed record EvaluatedInstance
{
    /// <param name="index">0-based position in the test set.</param>
    /// <param name="sourcePath">The source WAV file.</param>
    /// <param name="prediction">Detokenized translation.</param>
    /// <param name="reference">Reference translation.</param>
    /// <param name="delaysMs">Per word: ms of source audio read when it was emitted (non computation-aware).</param>
    /// <param name="elapsedMs">Per word: the delay plus the wall-clock compute time spent so far (computation-aware).</param>
    /// <param name="sourceLengthMs">Source audio duration.</param>
    public EvaluatedInstance(
        int index,
        string sourcePath,
        string prediction,
        string reference,
        IReadOnlyList<double> delaysMs,
        IReadOnlyList<double> elapsedMs,
        double sourceLengthMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(delaysMs);
        ArgumentNullException.ThrowIfNull(elapsedMs);
        if (!(sourceLengthMs > 0) || double.IsInfinity(sourceLengthMs))
        {
            throw new ArgumentOutOfRangeException(nameof(sourceLengthMs), sourceLengthMs, "The source length must be a positive, finite number of ms.");
        }

        int words = PythonText.Split(prediction).Count;
        RequireOnePerWord(delaysMs, words, index, nameof(delaysMs));
        RequireOnePerWord(elapsedMs, words, index, nameof(elapsedMs));

        Index = index;
        SourcePath = sourcePath;
        Prediction = prediction;
        Reference = reference;
        DelaysMs = [.. delaysMs];
        ElapsedMs = [.. elapsedMs];
        SourceLengthMs = sourceLengthMs;
        PredictionLength = words;
    }

    public int Index { get; }

    public string SourcePath { get; }

    public string Prediction { get; }

    public string Reference { get; }

    public IReadOnlyList<double> DelaysMs { get; }

    public IReadOnlyList<double> ElapsedMs { get; }

    public double SourceLengthMs { get; }

    /// <summary>Words in the prediction (SimulEval's <c>prediction_length</c>).</summary>
    public int PredictionLength { get; }

    /// <summary>
    /// |Y*| for latency, as SimulEval counts it: <c>len(reference.split(" "))</c>, single spaces only.
    /// </summary>
    public int ReferenceLength => Reference.Split(' ').Length;

    private static void RequireOnePerWord(IReadOnlyList<double> times, int words, int index, string name)
    {
        if (times.Count != words)
        {
            throw new ArgumentException(
                $"Instance {index}: {times.Count} {name} for {words} predicted words; SimulEval needs one per word.", name);
        }

        foreach (double t in times)
        {
            if (!double.IsFinite(t) || t < 0)
            {
                throw new ArgumentException($"Instance {index}: {name} must be finite and non-negative, got {t}.", name);
            }
        }
    }
}
