using LeaPformer.Evaluation.Internal;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>
/// sacreBLEU has no token-level tests of 13a (its BLEU tests compare 13a and none by score: see
/// <see cref="SacreBleuCorpusTests"/> and <see cref="SacreBleuSentenceTests"/>). These outputs follow
/// by hand from the rules of tokenizers/tokenizer_13a.py and tokenizer_re.py.
/// </summary>
public sealed class Tokenizer13aTests
{
    [Theory]
    [InlineData("The dog bit the man.", "The dog bit the man .")]
    [InlineData("I'm a student.", "I'm a student .")] // apostrophes stay inside words
    [InlineData("It wasn't surprising.", "It wasn't surprising .")]
    [InlineData("Hello, world!", "Hello , world !")]
    [InlineData("Mr. Smith (aged 40) said: \"no\"; ok?", "Mr . Smith ( aged 40 ) said : \" no \" ; ok ?")]
    [InlineData("a/b [c] {d} ~e @f #g $h %i &j *k +l =m <n> ^o _p `q |r \\s", "a / b [ c ] { d } ~ e @ f # g $ h % i & j * k + l = m < n > ^ o _ p ` q | r \\ s")]
    public void Punctuation_is_split_off(string input, string expected)
    {
        Assert.Equal(expected, Tokenizer13a.Tokenize(input));
    }

    [Theory]
    [InlineData("1,000.50 euros, 3.5%", "1,000.50 euros , 3.5 %")] // separators inside numbers stay
    [InlineData("in 2020.", "in 2020 .")] // a final period after a digit still splits (line is space-padded)
    [InlineData(".5 and 5.", ". 5 and 5 .")] // a period is split off unless a digit precedes it
    [InlineData("1990-2000", "1990 - 2000")] // a dash after a digit splits
    [InlineData("well-known x-1", "well-known x-1")] // other dashes stay
    public void Numbers_keep_their_separators(string input, string expected)
    {
        Assert.Equal(expected, Tokenizer13a.Tokenize(input));
    }

    [Theory]
    [InlineData("&quot;Hi&quot; &amp; bye &lt;3 &gt;", "\" Hi \" & bye < 3 >")]
    [InlineData("&amp;lt;", "<")] // unescaped in sequence, as sacreBLEU does
    [InlineData("a <skipped> b", "a b")]
    [InlineData("end-\nless\nline", "endless line")]
    public void Sgml_entities_and_markers_are_undone(string input, string expected)
    {
        Assert.Equal(expected, Tokenizer13a.Tokenize(input));
    }

    [Fact]
    public void Whitespace_is_pythons()
    {
        // str.split() also splits on U+001C..U+001F and no-break space.
        Assert.Equal("a b c d", Tokenizer13a.Tokenize("  a\u001Fb\u00A0c\t\td  "));
        Assert.Equal(["a", "b"], PythonText.Split("a\u001C b"));
        Assert.Equal("", Tokenizer13a.Tokenize("   "));
    }
}
