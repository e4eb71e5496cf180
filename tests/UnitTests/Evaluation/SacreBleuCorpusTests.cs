using LeaPformer.Evaluation;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>
/// Expected values ported from sacreBLEU's test/test_bleu.py (mjpost/sacrebleu): the README
/// example corpus with two reference streams, and its raw_corpus_bleu / compute_bleu cases.
/// </summary>
public sealed class SacreBleuCorpusTests
{
    private const double Epsilon = 1e-8; // test_bleu.py's EPSILON

    private static readonly string[] Hyps =
    [
        "The dog bit the man.",
        "It wasn't surprising.",
        "The man had just bitten him.",
    ];

    private static readonly IReadOnlyList<string?>[] Refs =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    // sacreBLEU's compat.raw_corpus_bleu: no tokenization, floor smoothing, effective order.
    private static SacreBleu Raw(double? floor = 0.1) => new(new BleuOptions
    {
        Tokenizer = BleuTokenizer.None,
        Smoothing = BleuSmoothing.Floor,
        SmoothValue = floor,
        EffectiveOrder = true,
    });

    [Fact]
    public void Default_corpus_bleu_matches_sacrebleu() // test_corpus_bleu_cases[0] and [3] (tokenize='13a')
    {
        var score = new SacreBleu().CorpusScore(Hyps, Refs);
        Assert.Equal(48.530827, score.Score, Epsilon);
        Assert.Equal("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:" + SacreBleu.Version, score.Signature);
    }

    [Fact]
    public void Empty_hypotheses_are_kept_and_score_zero() // test_corpus_bleu_cases[1]
    {
        var score = new SacreBleu().CorpusScore(["", "", ""], Refs);
        Assert.Equal(0.0, score.Score);
        Assert.Equal(0, score.SysLen);
        Assert.Equal(0.0, score.BrevityPenalty);
    }

    [Fact]
    public void Without_13a_punctuation_splitting_the_score_differs() // test_corpus_bleu_cases[2]
    {
        var score = new SacreBleu(new BleuOptions { Tokenizer = BleuTokenizer.None }).CorpusScore(Hyps, Refs);
        Assert.Equal(49.1919566, score.Score, Epsilon);
    }

    [Fact]
    public void No_smoothing_gives_the_same_score_when_every_order_matches() // test_corpus_bleu_cases[5]
    {
        var score = new SacreBleu(new BleuOptions { Smoothing = BleuSmoothing.None }).CorpusScore(Hyps, Refs);
        Assert.Equal(48.530827, score.Score, Epsilon);
    }

    [Theory] // test_max_ngram_order
    [InlineData(1, "77.65")]
    [InlineData(2, "60.50")]
    [InlineData(3, "53.93")]
    [InlineData(4, "48.53")]
    [InlineData(5, "46.14")]
    [InlineData(6, "43.28")]
    public void Max_ngram_order_changes_the_score_as_in_sacrebleu(int order, string expected)
    {
        var score = new SacreBleu(new BleuOptions { MaxNgramOrder = order }).CorpusScore(Hyps, Refs);
        Assert.Equal(expected, score.Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory] // test_raw_bleu_cases (scores / 100), floor 0.01
    [InlineData(new[] { "this is a test", "another test" }, new[] { "ref1", "ref2" }, 0.0)] // no match at all (#141)
    [InlineData(new[] { "this is a test" }, new[] { "this is a test" }, 1.0)] // perfect match
    [InlineData(new[] { "this is a fest" }, new[] { "this is a test" }, 0.223606797749979)]
    public void Raw_corpus_bleu_matches_sacrebleu(string[] hypotheses, string[] references, double expected)
    {
        Assert.Equal(expected, Raw(0.01).CorpusScore(hypotheses, references).Score / 100, Epsilon);
    }

    [Theory] // test_case_effective_order (scores / 100)
    [InlineData("test", "a test", 0.3678794411714425)]
    [InlineData("a test", "a test", 1.0)]
    [InlineData("a little test", "a test", 0.03218297948685433)]
    public void Effective_order_matches_sacrebleu(string hypothesis, string reference, double expected)
    {
        Assert.Equal(expected, Raw(0.01).CorpusScore([hypothesis], [reference]).Score / 100, Epsilon);
    }

    [Fact]
    public void Match_statistics_match_sacrebleu() // test_case_statistics
    {
        var score = Raw(0.01).CorpusScore(["am I am a character sequence"], ["I am a symbol string sequence a a"]);
        Assert.Equal([4, 2, 1, 0], score.Counts);
        Assert.Equal([6, 5, 4, 3], score.Totals);
    }

    [Fact]
    public void Floor_offset_matches_sacrebleu() // test_case_offset: no 4-gram match, floor 0 vs default 0.1
    {
        string[] hyp = ["am I am a character sequence"];
        string[] reference = ["I am a symbol string sequence a a"];
        Assert.Equal(0.0, Raw(0.0).CorpusScore(hyp, reference).Score / 100, Epsilon);
        Assert.Equal(0.1555722182, Raw(null).CorpusScore(hyp, reference).Score / 100, Epsilon);
    }

    [Fact]
    public void Score_from_statistics_matches_sacrebleu() // test_case_scoring: compute_bleu defaults, smooth 'none'
    {
        var options = new BleuOptions { Smoothing = BleuSmoothing.None };
        var score = SacreBleu.Compute([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, options, signature: "");
        Assert.Equal(0.8375922397, score.Score / 100, Epsilon);
    }

    [Theory] // test_case_degenerate_stats: floor smoothing, every expected score exactly 0
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 4, 4, 2, 1 }, 0, 1, 0.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 10, 11, 12, 0 }, 14, 10, 0.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 0, 0, 0 }, 0, 0, 0.0)]
    [InlineData(new[] { 6, 5, 4, 0 }, new[] { 6, 5, 4, 3 }, 6, 6, 0.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 0, 0, 0 }, 0, 0, 0.1)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 0, 0, 0 }, 1, 5, 0.01)]
    public void Degenerate_statistics_score_zero(int[] correct, int[] total, int sysLen, int refLen, double offset)
    {
        var options = new BleuOptions { Smoothing = BleuSmoothing.Floor, SmoothValue = offset };
        Assert.Equal(0.0, SacreBleu.Compute(correct, total, sysLen, refLen, options, signature: "").Score);
    }
}
