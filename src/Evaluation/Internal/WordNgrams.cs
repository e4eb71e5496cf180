namespace LeaPformer.Evaluation.Internal;

/// <summary>sacreBLEU's <c>extract_all_word_ngrams</c> (metrics/helpers.py).</summary>
internal static class WordNgrams
{
    /// <returns>
    /// Counts of every 1..<paramref name="maxOrder"/>-gram, keyed by its tokens joined with one space
    /// (tokens hold no whitespace, so keys are unambiguous and orders never collide), and the token count.
    /// </returns>
    public static (Dictionary<string, int> Counts, int Length) Extract(string line, int maxOrder)
    {
        string[] tokens = [.. PythonText.Split(line)];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= maxOrder; n++)
        {
            for (int i = 0; i + n <= tokens.Length; i++)
            {
                string key = string.Join(' ', tokens, i, n);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return (counts, tokens.Length);
    }

    /// <summary>The order of an n-gram key from <see cref="Extract"/>.</summary>
    public static int Order(string key)
    {
        int spaces = 0;
        foreach (char c in key)
        {
            if (c == ' ')
            {
                spaces++;
            }
        }

        return spaces + 1;
    }
}
