using LeaPformer.Evaluation.Internal;

namespace LeaPformer.Evaluation;

/// <summary>
/// chrF exactly as sacreBLEU 2.x computes it (metrics/chrf.py, word order 0): per-order character
/// n-gram [hyp, ref, match] counts summed over the corpus (for several references, each segment
/// keeps the reference with the best F-score), then one F-beta over the sums.
/// </summary>
public sealed class ChrF(ChrFOptions? options = null)
{
    public ChrFOptions Options { get; } = Validated(options ?? ChrFOptions.Default);

    /// <summary>Corpus chrF2 with sacreBLEU's defaults (<c>sacrebleu.corpus_chrf(hyps, [refs])</c>).</summary>
    public static ChrFScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        new ChrF().CorpusScore(hypotheses, references);

    /// <summary>Sentence chrF2 with sacreBLEU's defaults (<c>sacrebleu.sentence_chrf</c>).</summary>
    public static ChrFScore Sentence(string hypothesis, IReadOnlyList<string> references) =>
        new ChrF().SentenceScore(hypothesis, references);

    public ChrFScore CorpusScore(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        CorpusScore(hypotheses, [references]);

    /// <summary>Corpus chrF against one or more reference streams (null or empty entries: fewer references).</summary>
    public ChrFScore CorpusScore(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        var (segments, referenceCount) = SegmentStatistics(hypotheses, referenceStreams);
        return Score(SummedStatistics.Sum(segments), Signature(referenceCount));
    }

    /// <summary>
    /// Per segment, the [hyp, ref, match] counts of every order against its best reference: corpus
    /// chrF depends only on their sum, so a resample of segments can be scored without extracting again.
    /// </summary>
    internal (long[][] Segments, int? ReferenceCount) SegmentStatistics(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        var (segments, referenceCount) = CorpusInput.Group(hypotheses, referenceStreams);
        int order = Options.CharOrder;
        var statistics = new long[segments.Length][];
        for (int s = 0; s < segments.Length; s++)
        {
            var hypNgrams = CharNgrams.Extract(Preprocess(hypotheses[s]), order, Options.Whitespace);
            long[]? best = null;
            double bestF = -1.0;
            foreach (string reference in segments[s])
            {
                var refNgrams = CharNgrams.Extract(Preprocess(reference), order, Options.Whitespace);
                long[] stats = MatchStatistics(hypNgrams, refNgrams);
                double f = FScore(stats);
                if (f > bestF)
                {
                    bestF = f;
                    best = stats;
                }
            }

            statistics[s] = best!;
        }

        return (statistics, referenceCount);
    }

    /// <summary>The signature of a corpus score with this many references per segment (null: it varies).</summary>
    internal string Signature(int? referenceCount) => SacreBleuSignature.ChrF(referenceCount, Options);

    /// <summary>chrF from statistics of <see cref="SegmentStatistics"/> summed over any segments.</summary>
    internal ChrFScore Score(IReadOnlyList<long> sum, string signature) =>
        new(FScore(sum), Options.CharOrder, Options.Beta, signature);

    public ChrFScore SentenceScore(string hypothesis, IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference is needed.", nameof(references));
        }

        return CorpusScore([hypothesis], references.Select(r => (IReadOnlyList<string?>)[r]).ToArray());
    }

    /// <summary>sacreBLEU's <c>_compute_f_score</c> over flattened [hyp, ref, match] triples.</summary>
    internal double FScore(IReadOnlyList<long> statistics)
    {
        const double eps = 1e-16;
        int order = Options.CharOrder;
        double factor = Options.Beta * Options.Beta;
        double score = 0.0;
        double avgPrec = 0.0;
        double avgRec = 0.0;
        int effectiveOrder = 0;

        for (int i = 0; i < order; i++)
        {
            long nHyp = statistics[3 * i];
            long nRef = statistics[(3 * i) + 1];
            long nMatch = statistics[(3 * i) + 2];

            // chrF++.py-style epsilon smoothing (also Moses and NLTK).
            double prec = nHyp > 0 ? (double)nMatch / nHyp : eps;
            double rec = nRef > 0 ? (double)nMatch / nRef : eps;
            double denom = (factor * prec) + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;

            // sacreBLEU < 2.0 style: average over the orders both sides have n-grams of.
            if (nHyp > 0 && nRef > 0)
            {
                avgPrec += prec;
                avgRec += rec;
                effectiveOrder++;
            }
        }

        if (Options.EpsSmoothing)
        {
            return 100 * score / order;
        }

        if (effectiveOrder == 0)
        {
            avgPrec = avgRec = 0.0;
        }
        else
        {
            avgPrec /= effectiveOrder;
            avgRec /= effectiveOrder;
        }

        if (avgPrec + avgRec == 0)
        {
            return 0.0;
        }

        score = (1 + factor) * avgPrec * avgRec;
        score /= (factor * avgPrec) + avgRec;
        return 100 * score;
    }

    /// <summary>sacreBLEU's <c>_get_match_statistics</c> for every order.</summary>
    private static long[] MatchStatistics(Dictionary<string, int>[] hyp, Dictionary<string, int>[] reference)
    {
        var stats = new long[3 * hyp.Length];
        for (int i = 0; i < hyp.Length; i++)
        {
            long hypCount = 0;
            long matchCount = 0;
            foreach (var (ngram, count) in hyp[i])
            {
                hypCount += count;
                if (reference[i].TryGetValue(ngram, out int refCount))
                {
                    matchCount += Math.Min(count, refCount);
                }
            }

            // sacreBLEU counts no hypothesis n-grams of an order the reference has none of.
            stats[3 * i] = reference[i].Count > 0 ? hypCount : 0;
            stats[(3 * i) + 1] = reference[i].Values.Sum();
            stats[(3 * i) + 2] = matchCount;
        }

        return stats;
    }

    private static ChrFOptions Validated(ChrFOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CharOrder, 1, nameof(options.CharOrder));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Beta, nameof(options.Beta));
        return options;
    }

    private string Preprocess(string segment) => Options.Lowercase ? segment.ToLowerInvariant() : segment;
}
