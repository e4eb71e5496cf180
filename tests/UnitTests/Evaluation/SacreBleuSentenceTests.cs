using LeaPformer.Evaluation;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>
/// Expected values ported from sacreBLEU's test/test_sentence_bleu.py (examples from sacreBLEU
/// issues #98 and #141), all with effective order on.
/// </summary>
public sealed class SacreBleuSentenceTests
{
    private const double Epsilon = 1e-3; // test_sentence_bleu.py's EPSILON

    // \u0163 is t-cedilla in the reference, \u021B t-comma in the hypothesis, as in the test file.
    private const string Ref = "produc\u0163ia de zah\u0103r brut se exprim\u0103 \u00een zah\u0103r alb;";
    private const string Sys = "Produc\u021Bia de zah\u0103r prim\u0103 va fi exprimat\u0103 \u00een ceea ce prive\u0219te zah\u0103rul alb;";

    [Theory]
    [InlineData(BleuSmoothing.Exp, null, BleuTokenizer.Mteval13a, 8.493)]
    [InlineData(BleuSmoothing.None, null, BleuTokenizer.Mteval13a, 0.0)] // no 4-gram match, no smoothing
    [InlineData(BleuSmoothing.Floor, null, BleuTokenizer.Mteval13a, 4.51688)] // floor defaults to 0.1
    [InlineData(BleuSmoothing.Floor, 0.1, BleuTokenizer.Mteval13a, 4.51688)]
    [InlineData(BleuSmoothing.Floor, 0.5, BleuTokenizer.Mteval13a, 10.10)]
    [InlineData(BleuSmoothing.AddK, null, BleuTokenizer.Mteval13a, 14.882)] // add-k defaults to 1
    [InlineData(BleuSmoothing.AddK, 1.0, BleuTokenizer.Mteval13a, 14.882)]
    [InlineData(BleuSmoothing.AddK, 2.0, BleuTokenizer.Mteval13a, 21.389)]
    [InlineData(BleuSmoothing.Exp, null, BleuTokenizer.None, 7.347)] // 13a splits "alb;" into "alb ;"
    public void Sentence_bleu_matches_sacrebleu(BleuSmoothing smoothing, double? value, BleuTokenizer tokenizer, double expected)
    {
        var bleu = new SacreBleu(new BleuOptions
        {
            Smoothing = smoothing,
            SmoothValue = value,
            Tokenizer = tokenizer,
            EffectiveOrder = true,
        });
        Assert.Equal(expected, bleu.SentenceScore(Sys, [Ref]).Score, Epsilon);
    }

    [Theory] // test_cases_zero_bleu: no n-gram match at all is 0 whatever the smoothing (#141)
    [InlineData(BleuSmoothing.Exp, null)]
    [InlineData(BleuSmoothing.None, null)]
    [InlineData(BleuSmoothing.Floor, null)]
    [InlineData(BleuSmoothing.Floor, 0.1)]
    [InlineData(BleuSmoothing.AddK, null)]
    [InlineData(BleuSmoothing.AddK, 1.0)]
    public void Sentence_without_any_match_scores_zero(BleuSmoothing smoothing, double? value)
    {
        var bleu = new SacreBleu(new BleuOptions { Smoothing = smoothing, SmoothValue = value, EffectiveOrder = true });
        Assert.Equal(0.0, bleu.SentenceScore("this is a cat", ["okay thanks"]).Score, Epsilon);
    }

    [Fact]
    public void The_static_shortcut_uses_sacrebleus_sentence_defaults()
    {
        var score = SacreBleu.Sentence(Sys, [Ref]);
        Assert.Equal(8.493, score.Score, Epsilon);
        Assert.Equal("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:" + SacreBleu.Version, score.Signature);
    }
}
