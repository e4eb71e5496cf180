using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LeaPformer.Benchmarks.LongContext;

/// <summary>The long-context results as tables (stdout), CSV and JSON (for scripts/plot_benchmarks.py).</summary>
internal static class LongContextReport
{
    public static readonly string[] CsvColumns =
    [
        "bundle", "attention", "checkpoint", "checkpoint_s", "reached", "context_s", "frames_read", "tokens",
        "decoder_step_us", "encoder_unit_us", "state_bytes", "managed_heap_bytes", "working_set_delta_bytes", "stream_rtf", "elapsed_s", "batched_decoder_step_us",
    ];

    /// <summary>
    /// Side by side per checkpoint: the first bundle is the reference (LeaP); each other bundle's decoder step
    /// time is also given as a ratio to it (other / reference: how many times faster the reference is).
    /// </summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<string> bundles, IReadOnlyList<CheckpointResult> results)
    {
        var reference = bundles[0];
        var letters = bundles.Select((b, i) => ((char)('A' + i)).ToString()).ToList();
        for (int i = 0; i < bundles.Count; i++)
        {
            var attention = results.First(r => r.Bundle == bundles[i]).Attention;
            output.WriteLine($"{letters[i]} = {bundles[i]} ({attention}){(i == 0 ? ", the reference" : "")}");
        }

        output.WriteLine("dec = decoder step, enc = encoder + cross step over one 280 ms unit (median us); state = recurrent state tensors (KiB);");
        output.WriteLine("WS = process working set since the session started (MiB); x A = decoder step over A's (how many times faster A is);");
        output.WriteLine("x A32 = decoder step over A's per-stream cost in a batched tick of 32 (LeaP reference only; softmax streams cannot be stacked)");
        var header = new StringBuilder($"{"context",8}");
        for (int i = 0; i < bundles.Count; i++)
        {
            var l = letters[i];
            header.Append(CultureInfo.InvariantCulture, $" | {l + " dec",9} {l + " enc",9} {l + " state",10} {l + " WS",7}");
            if (i > 0)
            {
                header.Append(CultureInfo.InvariantCulture, $" {"x A",6} {"x A32",6}");
            }
        }

        output.WriteLine(header);
        foreach (var label in results.Select(r => r.Checkpoint).Distinct())
        {
            var line = new StringBuilder($"{label,8}");
            var refRow = results.Single(r => r.Bundle == reference && r.Checkpoint == label);
            for (int i = 0; i < bundles.Count; i++)
            {
                var r = results.Single(x => x.Bundle == bundles[i] && x.Checkpoint == label);
                line.Append(r.Reached
                    ? string.Create(CultureInfo.InvariantCulture, $" | {r.DecoderStepUs,9:0.0} {r.EncoderUnitUs,9:0.0} {r.StateBytes / 1024.0,10:0.0} {r.WorkingSetDeltaBytes / 1048576.0,7:0.0}")
                    : $" | {"not reached (budget)",-38}");
                if (i > 0)
                {
                    line.Append(r.Reached && refRow.Reached
                        ? string.Create(CultureInfo.InvariantCulture, $" {r.DecoderStepUs / refRow.DecoderStepUs,6:0.00} {r.DecoderStepUs / refRow.BatchedDecoderStepUs,6:0.00}")
                        : $" {"",6} {"",6}");
                }
            }

            output.WriteLine(line);
        }

        foreach (var b in bundles)
        {
            var reached = results.Where(r => r.Bundle == b && r.Reached).ToList();
            if (reached.Count >= 2)
            {
                var (first, last) = (reached[0], reached[^1]);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{b}, {last.Checkpoint} over {first.Checkpoint}: decoder step x{last.DecoderStepUs / first.DecoderStepUs:0.00}, encoder unit x{last.EncoderUnitUs / first.EncoderUnitUs:0.00}, state bytes x{(double)last.StateBytes / first.StateBytes:0.00}, working set {(last.WorkingSetDeltaBytes - first.WorkingSetDeltaBytes) / 1048576.0:+0.0;-0.0} MiB, managed heap {(last.ManagedHeapBytes - first.ManagedHeapBytes) / 1048576.0:+0.00;-0.00} MiB"));
            }
        }
    }

    public static void WriteCsv(string path, IReadOnlyList<CheckpointResult> results)
    {
        var lines = new List<string> { string.Join(',', CsvColumns) };
        foreach (var r in results)
        {
            lines.Add(string.Join(',', new object[]
            {
                r.Bundle, r.Attention, r.Checkpoint, r.CheckpointSeconds, r.Reached ? 1 : 0, r.ContextSeconds, r.FramesRead, r.Tokens,
                r.DecoderStepUs, r.EncoderUnitUs, r.StateBytes, r.ManagedHeapBytes, r.WorkingSetDeltaBytes, r.StreamRtf, r.ElapsedSeconds, r.BatchedDecoderStepUs,
            }.Select(Cell)));
        }

        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    public static void WriteJson(string path, object run) =>
        File.WriteAllText(path, JsonSerializer.Serialize(run, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }) + "\n");

    private static string Cell(object value) => value switch
    {
        double d when double.IsNaN(d) => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
