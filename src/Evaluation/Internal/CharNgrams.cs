namespace LeaPformer.Evaluation.Internal;

/// <summary>sacreBLEU's <c>extract_all_char_ngrams</c> (metrics/helpers.py).</summary>
internal static class CharNgrams
{
    /// <returns>One counter per order 1..<paramref name="maxOrder"/>; n-grams are of code points, as in Python.</returns>
    public static Dictionary<string, int>[] Extract(string line, int maxOrder, bool includeWhitespace)
    {
        if (!includeWhitespace)
        {
            line = PythonText.RemoveSpaces(line);
        }

        int[] offsets = PythonText.CodePointOffsets(line);
        int length = offsets.Length - 1;
        var counters = new Dictionary<string, int>[maxOrder];
        for (int n = 1; n <= maxOrder; n++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= length; i++)
            {
                string key = line[offsets[i]..offsets[i + n]];
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            counters[n - 1] = counts;
        }

        return counters;
    }
}
