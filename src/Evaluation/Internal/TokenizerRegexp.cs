using System.Text.RegularExpressions;

namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// sacreBLEU's <c>TokenizerRegexp</c> (tokenizers/tokenizer_re.py): the language-dependent,
/// Western-punctuation part of mteval-v13a, then single spaces between tokens.
/// </summary>
internal static partial class TokenizerRegexp
{
    public static string Tokenize(string line)
    {
        line = Symbols().Replace(line, " $1 ");
        line = PeriodCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', PythonText.Split(line));
    }

    // Python: [\{-\~\[-\` -\&\(-\+\:-\@\/] written as code point ranges: { | } ~, [ \ ] ^ _ `,
    // space ! " # $ % &, ( ) * +, : ; < = > ? @, and /. Not ' - . , letters or digits.
    [GeneratedRegex(@"([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40\x2F])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbols();

    // Period and comma are split off unless preceded by a digit...
    [GeneratedRegex(@"([^0-9])([\.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodCommaAfterNonDigit();

    // ...or unless followed by a digit, so 1,000.5 stays one token.
    [GeneratedRegex(@"([\.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
