using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LeaPformer.Evaluation;

/// <summary>
/// Writes SimulEval's <c>instances.log</c>: one JSON object per line with the keys of
/// <c>Instance.summarize()</c>, so <c>simuleval --score-only</c> and its tools read our runs.
/// </summary>
/// <remarks>
/// Like Python's <c>json.dumps</c> default, non-ASCII text is escaped (\u00e9), so the file reads
/// the same whatever encoding a reader assumes. For speech input SimulEval writes <c>source</c> as
/// soundfile's info lines, the first of which is the path; we write that first line only.
/// </remarks>
public static class InstancesLogWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Default };

    public static void Write(TextWriter writer, IEnumerable<EvaluatedInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var instance in instances)
        {
            writer.Write(ToJson(instance));
            writer.Write('\n');
        }
    }

    public static void WriteFile(string path, IEnumerable<EvaluatedInstance> instances)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Write(writer, instances);
    }

    /// <summary>One line of the log, without the newline.</summary>
    public static string ToJson(EvaluatedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteNumber("index", instance.Index);
            json.WriteString("prediction", instance.Prediction);
            WriteArray(json, "delays", instance.DelaysMs);
            WriteArray(json, "elapsed", instance.ElapsedMs);
            json.WriteNumber("prediction_length", instance.PredictionLength);
            json.WriteString("reference", instance.Reference);
            json.WriteStartArray("source");
            json.WriteStringValue(instance.SourcePath);
            json.WriteEndArray();
            json.WriteNumber("source_length", instance.SourceLengthMs);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<double> values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
