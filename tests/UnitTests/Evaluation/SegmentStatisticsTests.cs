using LeaPformer.Evaluation;
using LeaPformer.Evaluation.Internal;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>
/// What the paired bootstrap rests on: a corpus score computed from per-segment statistics summed
/// over any multiset of segments equals the score of that corpus computed from its text.
/// </summary>
public sealed class SegmentStatisticsTests
{
    // sacreBLEU's README corpus (two reference streams), and one-reference corpora with empty and short lines.
    public static TheoryData<string[], string?[][]> Corpora => new()
    {
        {
            ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."],
            [
                ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
                ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
            ]
        },
        {
            ["el perro come", "", "la casa es grande y blanca", "hola"],
            [["el perro come carne", "nada", "la casa es muy grande y blanca", "hola"]]
        },
        {
            ["a b c d e", "a b", "x y z"],
            [["a b c d e", "a b c", "z y x"]]
        },
    };

    [Theory]
    [MemberData(nameof(Corpora))]
    public void Summed_bleu_statistics_give_the_corpus_score(string[] hypotheses, string?[][] references)
    {
        var bleu = new SacreBleu();
        var (segments, referenceCount) = bleu.SegmentStatistics(hypotheses, references);

        var fromSums = bleu.Score(SummedStatistics.Sum(segments), bleu.Signature(referenceCount));

        var corpus = bleu.CorpusScore(hypotheses, references);
        Assert.Equal(corpus.Score, fromSums.Score); // bit for bit
        Assert.Equal(corpus.Counts, fromSums.Counts);
        Assert.Equal(corpus.Totals, fromSums.Totals);
        Assert.Equal(corpus.SysLen, fromSums.SysLen);
        Assert.Equal(corpus.RefLen, fromSums.RefLen);
        Assert.Equal(corpus.Signature, fromSums.Signature);
    }

    [Theory]
    [MemberData(nameof(Corpora))]
    public void A_resample_scored_from_sums_equals_the_resampled_corpus_scored_from_text(string[] hypotheses, string?[][] references)
    {
        int[] draw = [.. Enumerable.Range(0, hypotheses.Length).Select(i => (i * 2) % hypotheses.Length), 0];
        var bleu = new SacreBleu();
        var chrF = new ChrF();
        var (bleuSegments, referenceCount) = bleu.SegmentStatistics(hypotheses, references);
        var (chrFSegments, _) = chrF.SegmentStatistics(hypotheses, references);
        string[] resampledHypotheses = [.. draw.Select(i => hypotheses[i])];
        IReadOnlyList<string?>[] resampledReferences = [.. references.Select(stream => draw.Select(i => stream[i]).ToArray())];

        var bleuFromSums = bleu.Score(SummedStatistics.Sum([.. draw.Select(i => bleuSegments[i])]), bleu.Signature(referenceCount));
        var chrFFromSums = chrF.Score(SummedStatistics.Sum([.. draw.Select(i => chrFSegments[i])]), chrF.Signature(referenceCount));

        Assert.Equal(bleu.CorpusScore(resampledHypotheses, resampledReferences).Score, bleuFromSums.Score);
        Assert.Equal(chrF.CorpusScore(resampledHypotheses, resampledReferences).Score, chrFFromSums.Score);
    }

    [Fact]
    public void Bleu_statistics_are_sacrebleus_vector() // [hyp_len, ref_len, correct 1..4, total 1..4]
    {
        var (segments, _) = new SacreBleu(new BleuOptions { Tokenizer = BleuTokenizer.None })
            .SegmentStatistics(["am I am a character sequence"], [["I am a symbol string sequence a a"]]);

        Assert.Equal([6, 8, 4, 2, 1, 0, 6, 5, 4, 3], Assert.Single(segments));
    }
}
