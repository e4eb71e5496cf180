using System.Globalization;

namespace LeaPformer.Client.Bench;

/// <summary>
/// One scrape of a Prometheus text exposition (format 0.0.4): every sample by its series, i.e. the
/// metric name and its labels exactly as the server wrote them (<c>name{a="x",b="y"}</c>).
/// </summary>
internal sealed class MetricsSnapshot
{
    private readonly Dictionary<string, double> _samples;

    private MetricsSnapshot(Dictionary<string, double> samples) => _samples = samples;

    public int Count => _samples.Count;

    /// <exception cref="FormatException">A sample line that is not <c>series value [timestamp]</c>.</exception>
    public static MetricsSnapshot Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // Label values may hold spaces; the value follows the closing brace (or the name).
            int close = line.LastIndexOf('}');
            int space = line.IndexOf(' ', close < 0 ? 0 : close);
            if (space < 0)
            {
                throw new FormatException($"Not a Prometheus sample line: '{line}'.");
            }

            var series = line[..space];
            var fields = line[(space + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            samples[series] = ParseValue(fields.Length > 0 ? fields[0] : "", line);
        }

        return new MetricsSnapshot(samples);
    }

    /// <summary>The sample of <paramref name="series"/>, or null when the server did not export it.</summary>
    public double? Value(string series) => _samples.TryGetValue(series, out var v) ? v : null;

    /// <summary>Every series of the metric <paramref name="name"/> that has labels, keyed by their label text (<c>a="x",b="y"</c>).</summary>
    public IReadOnlyDictionary<string, double> Labelled(string name)
    {
        var prefix = name + "{";
        return _samples.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Key[prefix.Length..^1], s => s.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The cumulative buckets of histogram <paramref name="name"/> (<c>name_bucket{le="..."}</c>, unlabelled
    /// otherwise) as (upper bound in the metric's unit, cumulative count), sorted; +Inf last.
    /// </summary>
    public IReadOnlyList<(double UpperBound, double Count)> Buckets(string name)
    {
        var buckets = new List<(double, double)>();
        foreach (var (labels, count) in Labelled(name + "_bucket"))
        {
            const string Le = "le=\"";
            if (labels.StartsWith(Le, StringComparison.Ordinal) && labels.EndsWith('"') && !labels.Contains(','))
            {
                buckets.Add((ParseValue(labels[Le.Length..^1], labels), count));
            }
        }

        buckets.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return buckets;
    }

    private static double ParseValue(string text, string line) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"Not a Prometheus sample value in '{line}'."),
    };
}
