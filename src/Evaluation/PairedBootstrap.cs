using LeaPformer.Evaluation.Internal;

namespace LeaPformer.Evaluation;

/// <summary>
/// Paired bootstrap resampling (Koehn 2004), as sacreBLEU's <c>--paired-bs</c> runs it: is a system's
/// BLEU (and chrF) difference from a baseline on one test set more than the noise of which sentences
/// the test set happens to hold? Each system's per-segment statistics are extracted once; every
/// resample draws N segment indices with replacement and scores both systems on that same draw.
/// </summary>
/// <remarks>
/// The draws come from SplitMix64 seeded with <see cref="Run"/>'s seed, not from numpy's PCG64 as in
/// sacreBLEU, so means, intervals and p-values differ slightly from sacreBLEU's for the same seed;
/// the actual scores are sacreBLEU's exactly.
/// </remarks>
public sealed class PairedBootstrap
{
    /// <summary>sacreBLEU's default for <c>--paired-bs-n</c>, and Moses'.</summary>
    public const int DefaultResamples = 1000;

    /// <summary>sacreBLEU's default <c>SACREBLEU_SEED</c>.</summary>
    public const int DefaultSeed = 12345;

    private readonly BootstrapMetric[] _metrics;

    /// <param name="baseline">The baseline's hypotheses, one per segment.</param>
    /// <param name="system">The system's hypotheses for the same segments, in the same order.</param>
    /// <param name="references">One reference per segment, shared by both.</param>
    public PairedBootstrap(
        IReadOnlyList<string> baseline,
        IReadOnlyList<string> system,
        IReadOnlyList<string> references,
        BleuOptions? bleuOptions = null,
        ChrFOptions? chrFOptions = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(references);
        if (baseline.Count != system.Count)
        {
            throw new ArgumentException(
                $"The baseline has {baseline.Count} hypotheses and the system {system.Count}; a paired test needs both on the same segments.",
                nameof(system));
        }

        IReadOnlyList<IReadOnlyList<string?>> referenceStreams = [references];
        var bleu = new SacreBleu(bleuOptions);
        var (bleuBaseline, referenceCount) = bleu.SegmentStatistics(baseline, referenceStreams);
        var (bleuSystem, _) = bleu.SegmentStatistics(system, referenceStreams);
        string bleuSignature = bleu.Signature(referenceCount);

        var chrF = new ChrF(chrFOptions);
        var (chrFBaseline, _) = chrF.SegmentStatistics(baseline, referenceStreams);
        var (chrFSystem, _) = chrF.SegmentStatistics(system, referenceStreams);
        string chrFSignature = chrF.Signature(referenceCount);
        string chrFName = chrF.Score(SummedStatistics.Sum(chrFBaseline), chrFSignature).Name; // chrF2 for beta 2

        SegmentCount = baseline.Count;
        _metrics =
        [
            new("BLEU", bleuSignature, bleuBaseline, bleuSystem, sum => bleu.Score(sum, bleuSignature).Score),
            new(chrFName, chrFSignature, chrFBaseline, chrFSystem, sum => chrF.FScore(sum)),
        ];
    }

    public int SegmentCount { get; }

    /// <param name="resamples">Resamples to draw (sacreBLEU's <c>--paired-bs-n</c>).</param>
    /// <param name="seed">Seeds the draws: the same seed gives the same result.</param>
    public PairedBootstrapResult Run(int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var random = new SplitMix64(seed);
        var segments = new int[SegmentCount];
        var baselineScores = _metrics.Select(_ => new double[resamples]).ToArray();
        var systemScores = _metrics.Select(_ => new double[resamples]).ToArray();
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < segments.Length; i++)
            {
                segments[i] = random.NextIndex(SegmentCount);
            }

            // Every metric scores the same draw, as in sacreBLEU.
            for (int m = 0; m < _metrics.Length; m++)
            {
                (baselineScores[m][r], systemScores[m][r]) = _metrics[m].Score(segments);
            }
        }

        return new PairedBootstrapResult(
            SegmentCount,
            resamples,
            seed,
            _metrics[0].Compare(baselineScores[0], systemScores[0]),
            _metrics[1].Compare(baselineScores[1], systemScores[1]));
    }
}
