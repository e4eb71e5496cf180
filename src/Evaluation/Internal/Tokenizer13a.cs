namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// sacreBLEU's default BLEU tokenizer <c>13a</c> (tokenizers/tokenizer_13a.py), equivalent to
/// mteval-v13a.pl as used by WMT: unescape the few SGML entities, then <see cref="TokenizerRegexp"/>.
/// </summary>
internal static class Tokenizer13a
{
    public static string Tokenize(string line)
    {
        line = line.Replace("<skipped>", string.Empty, StringComparison.Ordinal);
        line = line.Replace("-\n", string.Empty, StringComparison.Ordinal);
        line = line.Replace("\n", " ", StringComparison.Ordinal);

        // Sequential, as in sacreBLEU: "&amp;lt;" becomes "<".
        if (line.Contains('&', StringComparison.Ordinal))
        {
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal);
            line = line.Replace("&amp;", "&", StringComparison.Ordinal);
            line = line.Replace("&lt;", "<", StringComparison.Ordinal);
            line = line.Replace("&gt;", ">", StringComparison.Ordinal);
        }

        return TokenizerRegexp.Tokenize($" {line} ");
    }
}
