namespace LeaPformer.Benchmarks.LongContext;

/// <summary>A context length to measure at, as written on the command line (10s, 5m, 1h).</summary>
internal sealed record Checkpoint(string Label, double Seconds)
{
    /// <exception cref="FormatException">Not a positive number with an s, m or h suffix.</exception>
    public static IReadOnlyList<Checkpoint> ParseList(string text)
    {
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse).OrderBy(c => c.Seconds).ToList();
        return list.Count > 0 ? list : throw new FormatException("No checkpoints.");
    }

    private static Checkpoint Parse(string text)
    {
        double unit = text.Length > 0 ? text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 } : 0;
        if (unit == 0 || !double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new FormatException($"'{text}' is not a duration like 10s, 5m or 1h.");
        }

        return new Checkpoint(text, n * unit);
    }
}
