using LeaPformer.Evaluation.Internal;

namespace LeaPformer.Evaluation;

/// <summary>
/// BLEU exactly as sacreBLEU 2.x computes it (metrics/bleu.py), ported rather than approximated so
/// scores are comparable with published ones: same tokenizer, n-gram clipping against the max count
/// over references, closest reference length (shorter on ties), smoothing and brevity penalty.
/// </summary>
public sealed class SacreBleu(BleuOptions? options = null)
{
    /// <summary>The sacreBLEU release whose behaviour this port follows; it ends every signature.</summary>
    public const string Version = "2.6.0";

    public BleuOptions Options { get; } = Validated(options ?? BleuOptions.Corpus);

    /// <summary>Corpus BLEU with sacreBLEU's defaults (<c>sacrebleu.corpus_bleu(hyps, [refs])</c>).</summary>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        new SacreBleu().CorpusScore(hypotheses, references);

    /// <summary>Sentence BLEU with sacreBLEU's defaults (<c>sacrebleu.sentence_bleu</c>: effective order).</summary>
    public static BleuScore Sentence(string hypothesis, IReadOnlyList<string> references) =>
        new SacreBleu(BleuOptions.Sentence).SentenceScore(hypothesis, references);

    /// <summary>Corpus BLEU against one reference per segment.</summary>
    public BleuScore CorpusScore(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        CorpusScore(hypotheses, [references]);

    /// <summary>
    /// Corpus BLEU against one or more reference streams, each as long as <paramref name="hypotheses"/>;
    /// a null or empty reference means that segment has fewer references.
    /// </summary>
    public BleuScore CorpusScore(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        var (segments, referenceCount) = SegmentStatistics(hypotheses, referenceStreams);
        return Score(SummedStatistics.Sum(segments), Signature(referenceCount));
    }

    /// <summary>
    /// Per segment, sacreBLEU's BLEU statistics <c>[hyp_len, ref_len, correct_1..N, total_1..N]</c>
    /// (<c>_extract_corpus_statistics</c>): corpus BLEU depends only on their sum, so a resample of
    /// segments can be scored without tokenizing again.
    /// </summary>
    internal (long[][] Segments, int? ReferenceCount) SegmentStatistics(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        var (segments, referenceCount) = CorpusInput.Group(hypotheses, referenceStreams);
        int order = Options.MaxNgramOrder;
        var statistics = new long[segments.Length][];
        for (int s = 0; s < segments.Length; s++)
        {
            var refNgrams = new Dictionary<string, int>(StringComparer.Ordinal);
            var refLens = new List<int>();
            foreach (string reference in segments[s])
            {
                var (counts, length) = WordNgrams.Extract(Preprocess(reference), order);
                refLens.Add(length);
                foreach (var (ngram, count) in counts)
                {
                    refNgrams[ngram] = Math.Max(refNgrams.GetValueOrDefault(ngram), count);
                }
            }

            var (hypNgrams, hypLen) = WordNgrams.Extract(Preprocess(hypotheses[s]), order);
            var segment = new long[2 + (2 * order)];
            segment[0] = hypLen;
            segment[1] = ClosestReferenceLength(hypLen, refLens);
            foreach (var (ngram, count) in hypNgrams)
            {
                int n = WordNgrams.Order(ngram) - 1;
                segment[2 + order + n] += count;
                segment[2 + n] += Math.Min(count, refNgrams.GetValueOrDefault(ngram));
            }

            statistics[s] = segment;
        }

        return (statistics, referenceCount);
    }

    /// <summary>The signature of a corpus score with this many references per segment (null: it varies).</summary>
    internal string Signature(int? referenceCount) => SacreBleuSignature.Bleu(referenceCount, Options);

    /// <summary>BLEU from statistics of <see cref="SegmentStatistics"/> summed over any segments.</summary>
    internal BleuScore Score(ReadOnlySpan<long> sum, string signature)
    {
        int order = Options.MaxNgramOrder;
        var correct = new int[order];
        var total = new int[order];
        for (int n = 0; n < order; n++)
        {
            correct[n] = checked((int)sum[2 + n]);
            total[n] = checked((int)sum[2 + order + n]);
        }

        return Compute(correct, total, checked((int)sum[0]), checked((int)sum[1]), Options, signature);
    }

    /// <summary>
    /// BLEU of one sentence (sacreBLEU <c>sentence_score</c>). Use <see cref="BleuOptions.Sentence"/>
    /// or <see cref="Sentence"/>: without effective order, short sentences score 0.
    /// </summary>
    public BleuScore SentenceScore(string hypothesis, IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference is needed.", nameof(references));
        }

        return CorpusScore([hypothesis], references.Select(r => (IReadOnlyList<string?>)[r]).ToArray());
    }

    /// <summary>sacreBLEU's <c>BLEU.compute_bleu</c>: the score from summed statistics.</summary>
    internal static BleuScore Compute(
        IReadOnlyList<int> correct,
        IReadOnlyList<int> total,
        int sysLen,
        int refLen,
        BleuOptions options,
        string signature)
    {
        int order = options.MaxNgramOrder;
        double smoothValue = options.ResolvedSmoothValue;
        double bp = sysLen < refLen
            ? (sysLen > 0 ? Math.Exp(1 - ((double)refLen / sysLen)) : 0.0)
            : 1.0;
        double ratio = refLen != 0 ? (double)sysLen / refLen : 0;
        var precisions = new double[order];
        BleuScore Result(double score) =>
            new(score, [.. correct], [.. total], precisions, bp, ratio, sysLen, refLen, signature);

        // sacreBLEU 2.0+: no match at any order is 0 whatever the smoothing (sacreBLEU #141).
        if (correct.All(c => c == 0))
        {
            return Result(0.0);
        }

        double smoothMteval = 1.0;
        int effectiveOrder = order;
        for (int n = 1; n <= order; n++)
        {
            double matched = correct[n - 1];
            double hypothesized = total[n - 1];
            if (options.Smoothing == BleuSmoothing.AddK && n > 1)
            {
                matched += smoothValue;
                hypothesized += smoothValue;
            }

            if (hypothesized == 0)
            {
                break;
            }

            if (options.EffectiveOrder)
            {
                effectiveOrder = n;
            }

            if (matched == 0)
            {
                if (options.Smoothing == BleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * hypothesized);
                }
                else if (options.Smoothing == BleuSmoothing.Floor)
                {
                    precisions[n - 1] = 100.0 * smoothValue / hypothesized;
                }
            }
            else
            {
                precisions[n - 1] = 100.0 * matched / hypothesized;
            }
        }

        double logSum = 0;
        for (int i = 0; i < effectiveOrder; i++)
        {
            logSum += FlooredLog(precisions[i]);
        }

        return Result(bp * Math.Exp(logSum / effectiveOrder));
    }

    // sacreBLEU's my_log: log(0) is a huge negative number, so exp() of the mean is exactly 0.
    private static double FlooredLog(double x) => x == 0.0 ? -9999999999 : Math.Log(x);

    private static int ClosestReferenceLength(int hypLen, List<int> refLens)
    {
        int closestDiff = -1;
        int closestLen = -1;
        foreach (int refLen in refLens)
        {
            int diff = Math.Abs(hypLen - refLen);
            if (closestDiff == -1 || diff < closestDiff)
            {
                closestDiff = diff;
                closestLen = refLen;
            }
            else if (diff == closestDiff && refLen < closestLen)
            {
                closestLen = refLen;
            }
        }

        return closestLen;
    }

    private static BleuOptions Validated(BleuOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxNgramOrder, 1, nameof(options.MaxNgramOrder));
        return options;
    }

    private string Preprocess(string segment)
    {
        if (Options.Lowercase)
        {
            segment = segment.ToLowerInvariant();
        }

        segment = PythonText.RStrip(segment);
        return Options.Tokenizer == BleuTokenizer.Mteval13a ? Tokenizer13a.Tokenize(segment) : segment;
    }
}
