using System.Text.Json;

namespace LeaPformer.Evaluation;

/// <summary>
/// Reads a SimulEval <c>instances.log</c> (ours or SimulEval's own, speech-to-text) back into
/// instances, to re-score a run without re-running it.
/// </summary>
public static class InstancesLogReader
{
    public static List<EvaluatedInstance> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var instances = new List<EvaluatedInstance>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                instances.Add(Parse(line));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
            {
                throw new FormatException($"instances.log line {lineNumber}: {e.Message}", e);
            }
        }

        return instances;
    }

    public static List<EvaluatedInstance> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    /// <summary>One log line. <c>source</c> may be a path or SimulEval's list of info lines (path first).</summary>
    public static EvaluatedInstance Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var source = root.GetProperty("source");
        string sourcePath = source.ValueKind == JsonValueKind.Array
            ? source.EnumerateArray().Select(e => e.GetString()).FirstOrDefault() ?? string.Empty
            : source.GetString() ?? string.Empty;
        string reference = root.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()!
            : string.Empty;

        return new EvaluatedInstance(
            root.GetProperty("index").GetInt32(),
            sourcePath,
            root.GetProperty("prediction").GetString() ?? string.Empty,
            reference,
            Numbers(root.GetProperty("delays")),
            Numbers(root.GetProperty("elapsed")),
            root.GetProperty("source_length").GetDouble());
    }

    private static double[] Numbers(JsonElement array) =>
        array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
