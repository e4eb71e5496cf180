namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// Checks corpus arguments and groups references by segment, as sacreBLEU 2.x does
/// (metrics/base.py <c>_check_corpus_score_args</c> and <c>_cache_references</c>).
/// </summary>
internal static class CorpusInput
{
    /// <returns>
    /// The references of each segment, with null and empty ones dropped (a stream may lack some),
    /// and the count per segment, or null when it varies (signature <c>nrefs:var</c>).
    /// </returns>
    public static (string[][] Segments, int? ReferenceCount) Group(
        IReadOnlyList<string> hypotheses,
        IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(referenceStreams);
        if (hypotheses.Count == 0)
        {
            throw new ArgumentException("There are no hypotheses to score.", nameof(hypotheses));
        }

        if (hypotheses.Any(h => h is null))
        {
            throw new ArgumentException("Undefined (null) line in the hypotheses.", nameof(hypotheses));
        }

        if (referenceStreams.Count == 0)
        {
            throw new ArgumentException("At least one reference stream is needed.", nameof(referenceStreams));
        }

        foreach (var stream in referenceStreams)
        {
            if (stream is null || stream.Count != hypotheses.Count)
            {
                throw new ArgumentException(
                    $"Each reference stream must have the same length as the hypotheses ({hypotheses.Count}).",
                    nameof(referenceStreams));
            }
        }

        var segments = new string[hypotheses.Count][];
        var counts = new HashSet<int>();
        for (int i = 0; i < segments.Length; i++)
        {
            var refs = referenceStreams
                .Select(stream => stream[i])
                .Where(r => !string.IsNullOrEmpty(r))
                .Select(r => r!)
                .ToArray();
            if (refs.Length == 0)
            {
                throw new ArgumentException($"Segment {i} has only empty or null references.", nameof(referenceStreams));
            }

            segments[i] = refs;
            counts.Add(refs.Length);
        }

        return (segments, counts.Count == 1 ? counts.Single() : null);
    }
}
