using LeaPformer.Evaluation;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>Expected values ported from sacreBLEU's test/test_chrf.py (EPSILON 1e-4).</summary>
public sealed class ChrFTests
{
    private const double Epsilon = 1e-4;

    private static readonly ChrFOptions Beta3Eps = new() { Beta = 3, EpsSmoothing = true };
    private static readonly ChrFOptions Beta3EffectiveOrder = new() { Beta = 3 };

    [Theory] // test_cases: chrF++.py-style epsilon smoothing, beta 3
    [InlineData(new[] { "abcdefg" }, new[] { "hijklmnop" }, 0.0)]
    [InlineData(new[] { "a" }, new[] { "b" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "b" }, 0.0)] // empty hypothesis
    [InlineData(new[] { "" }, new[] { "ref" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "reference" }, 0.0)]
    [InlineData(new[] { "aa" }, new[] { "ab" }, 8.3333)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "c" }, 8.3333)]
    [InlineData(new[] { "a" }, new[] { "a" }, 16.6667)] // only 1-grams exist: 1 of 6 orders
    [InlineData(new[] { "a b c" }, new[] { "a b c" }, 50.0)]
    [InlineData(new[] { "a b c" }, new[] { "abc" }, 50.0)] // whitespace is removed
    [InlineData(
        new[] { " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ." },
        new[] { "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ." },
        63.361730)]
    [InlineData(
        new[] { " Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. " },
        new[] { "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich." },
        64.1302698)]
    [InlineData(
        new[] { "Niemand hat die Absicht, eine Mauer zu errichten" },
        new[] { "Niemand hat die Absicht, eine Mauer zu errichten" },
        100.0)] // perfect match
    public void Eps_smoothing_matches_sacrebleu(string[] hypotheses, string[] references, double expected)
    {
        Assert.Equal(expected, new ChrF(Beta3Eps).CorpusScore(hypotheses, references).Score, Epsilon);
    }

    [Theory] // test_cases_effective_order: sacreBLEU's default averaging (< 2.0.0 mode), beta 3
    [InlineData(new[] { "a" }, new[] { "a" }, 100.0)]
    [InlineData(new[] { "" }, new[] { "reference" }, 0.0)]
    [InlineData(new[] { "a b c" }, new[] { "a b c" }, 100.0)]
    [InlineData(new[] { "a b c" }, new[] { "abc" }, 100.0)]
    [InlineData(new[] { "" }, new[] { "c" }, 0.0)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "c" }, 50.0)]
    [InlineData(new[] { "aa" }, new[] { "ab" }, 25.0)]
    public void Effective_order_matches_sacrebleu(string[] hypotheses, string[] references, double expected)
    {
        Assert.Equal(expected, new ChrF(Beta3EffectiveOrder).CorpusScore(hypotheses, references).Score, Epsilon);
    }

    [Theory] // test_cases_keep_whitespace: remove_whitespace=False, beta 3
    [InlineData(
        "Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
        "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.",
        67.3481606)]
    [InlineData(
        "risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .",
        "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .",
        65.2414427)]
    public void Keeping_whitespace_matches_sacrebleu(string hypothesis, string reference, double expected)
    {
        var chrf = new ChrF(new ChrFOptions { Beta = 3, Whitespace = true });
        Assert.Equal(expected, chrf.CorpusScore([hypothesis], [reference]).Score, Epsilon);
    }

    [Theory] // test_sentence_level_chrf: sentence_chrf(..., eps_smoothing=True), default beta 2
    [InlineData(
        "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
        "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.",
        39.14078509)]
    [InlineData(
        "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
        "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.",
        31.22557079)]
    [InlineData(
        "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
        "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.",
        57.15704367)]
    public void Sentence_chrf2_with_eps_smoothing_matches_sacrebleu(string hypothesis, string reference, double expected)
    {
        var chrf = new ChrF(new ChrFOptions { EpsSmoothing = true });
        Assert.Equal(expected, chrf.SentenceScore(hypothesis, [reference]).Score, Epsilon);
    }

    [Fact]
    public void Default_is_chrf2_with_sacrebleus_signature()
    {
        var score = ChrF.Corpus(["a b c"], ["abc"]);
        Assert.Equal("chrF2", score.Name);
        Assert.Equal("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:" + SacreBleu.Version, score.Signature);
        Assert.Equal(
            "nrefs:1|case:mixed|eff:no|nc:6|nw:0|space:yes|version:" + SacreBleu.Version,
            new ChrF(new ChrFOptions { EpsSmoothing = true, Whitespace = true }).CorpusScore(["a"], ["a"]).Signature);
    }

    [Fact]
    public void Astral_characters_are_one_ngram_unit_as_in_python()
    {
        // U+1F600 and U+1F601 share their UTF-16 high surrogate: splitting surrogate pairs would
        // find a matching 1-gram. Python sees two different code points and no match.
        Assert.Equal(0.0, ChrF.Corpus(["\U0001F600"], ["\U0001F601"]).Score);
    }
}
