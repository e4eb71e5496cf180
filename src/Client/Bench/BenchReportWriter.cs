using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeaPformer.Client.Bench;

/// <summary>Prints a <see cref="BenchReport"/> as a table, and writes reports as JSON (snake_case, for scripts/plot_benchmarks.py).</summary>
internal static class BenchReportWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void WriteTable(TextWriter output, BenchReport r)
    {
        void Row(string name, string value) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-34} {value}"));
        static string F(double? value, string format = "0.00") => value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

        Row("streams", $"{r.Streams} ({(r.Paced ? "paced" : "unpaced")}, {r.ChunkMs} ms chunks, k {(r.WaitK == 0 ? "server default" : r.WaitK.ToString(CultureInfo.InvariantCulture))}, ramp {F(r.RampSeconds, "0.#")} s)");
        Row("ended OK", $"{r.StreamsOk}");
        Row("errors", r.Errors.Count == 0 ? "none" : string.Join(", ", r.Errors.Select(e => $"{e.Key} {e.Value}")));
        Row("audio", $"{F(r.AudioSeconds, "0.0")} s ({F(r.AudioSecondsPerStream)} s per stream)");
        Row("wall", $"{F(r.WallSeconds)} s");
        Row("audio s per wall s", $"{F(r.AudioSecondsPerWallSecond)} (all streams)");
        Row("stream wall / audio", $"median {F(r.StreamWallOverAudio.Median, "0.000")}, max {F(r.StreamWallOverAudio.Max, "0.000")}");
        Row("tokens", $"{r.Tokens} ({F(r.TokensPerSecond, "0.0")} per s)");
        if (r.Paced)
        {
            Row("token lag (ms)", r.Lag is { } lag
                ? $"p50 {F(lag.P50Ms, "0")}, p95 {F(lag.P95Ms, "0")}, p99 {F(lag.P99Ms, "0")}, max {F(lag.MaxMs, "0")} over {lag.Tokens} tokens; worst stream p95 {F(lag.WorstStreamP95Ms, "0")}"
                : "n/a (no tokens)");
            Row("client send slip, max", $"{F(r.MaxSendSlipMs, "0")} ms");
        }

        if (r.Server is { } s)
        {
            Row("server compute / audio", F(s.ComputeOverAudio, "0.0000"));
            Row("server chunk compute (ms)", s.ChunkComputeMs is { } c
                ? $"p50 {Q(c.P50)}, p95 {Q(c.P95)}, p99 {Q(c.P99)} over {c.Count:0} messages (histogram buckets bound them)"
                : "n/a");
            Row("server CPU s per audio s", F(s.CpuSecondsPerAudioSecond, "0.0000"));
            Row("server working set per stream", s.WorkingSetDeltaPerStreamBytes is { } ws ? $"{F(ws / 1024, "0.0")} KiB (peak − before)" : "n/a");
            Row("server peak active streams", F(s.PeakActiveStreams, "0"));
        }
        else
        {
            Row("server metrics", "n/a");
        }

        Row("real time held", r.RealTimeHeld switch
        {
            true => $"yes (every stream OK, p95 lag <= {F(r.LagThresholdMs, "0")} ms)",
            false => $"NO (a stream failed or its p95 lag > {F(r.LagThresholdMs, "0")} ms)",
            null => "n/a (unpaced)",
        });
        output.Flush();

        static string Q(BucketQuantile q) => q.Upper is { } upper
            ? string.Create(CultureInfo.InvariantCulture, $"{q.Value:0.00} [{q.Lower:0.###}..{upper:0.###}]")
            : string.Create(CultureInfo.InvariantCulture, $"> {q.Lower:0.###}");
    }

    public static void WriteJson<T>(string path, T report)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + "\n");
    }
}
