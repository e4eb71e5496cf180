namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// The few Python <c>str</c> operations sacreBLEU and SimulEval lean on, with Python's meaning of
/// whitespace, so tokens and lengths match theirs exactly.
/// </summary>
internal static class PythonText
{
    /// <summary>
    /// <c>str.isspace()</c> for one UTF-16 unit. Python also counts the information separators
    /// U+001C..U+001F as whitespace; .NET does not. Every other whitespace code point is in the BMP.
    /// </summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary><c>str.split()</c>: runs of whitespace separate, no empty items.</summary>
    public static List<string> Split(string text)
    {
        var parts = new List<string>();
        int start = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (IsSpace(text[i]))
            {
                if (start >= 0)
                {
                    parts.Add(text[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            parts.Add(text[start..]);
        }

        return parts;
    }

    /// <summary><c>str.rstrip()</c>.</summary>
    public static string RStrip(string text)
    {
        int end = text.Length;
        while (end > 0 && IsSpace(text[end - 1]))
        {
            end--;
        }

        return end == text.Length ? text : text[..end];
    }

    /// <summary><c>''.join(text.split())</c>: every whitespace character removed.</summary>
    public static string RemoveSpaces(string text) => string.Concat(Split(text));

    /// <summary>
    /// Offsets of each code point in <paramref name="text"/> plus a final <c>text.Length</c>:
    /// Python indexes strings by code point, so an astral character is one n-gram unit, not two.
    /// </summary>
    public static int[] CodePointOffsets(string text)
    {
        var offsets = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            offsets.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }

        offsets.Add(text.Length);
        return [.. offsets];
    }
}
