using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LeaPformer.Benchmarks.LongContext;

/// <summary>
/// <c>long-context</c>: per-step time and per-stream memory of one long single-segment stream per bundle,
/// at growing context lengths (docs/benchmarks.md). Exit codes: 0 measured, 2 bad input.
/// </summary>
internal static class LongContextCommand
{
    public static int Run(string[] args)
    {
        var bundles = new Option<string[]>("--bundle", "-b") { Description = "A model bundle folder; repeat for each (the first is the reference). Default: models/demo-small and models/demo-small-softmax.", AllowMultipleArgumentsPerToken = false };
        var minutes = new Option<double?>("--minutes") { Description = "Minutes of audio per bundle (default: the last checkpoint); checkpoints past it are dropped." };
        var checkpoints = new Option<string>("--checkpoints") { Description = "Context lengths to measure at (s, m or h).", DefaultValueFactory = _ => "10s,60s,5m,10m,60m" };
        var steps = new Option<int>("--steps") { Description = "Steps timed at each checkpoint (the median is reported).", DefaultValueFactory = _ => 200 };
        var waitK = new Option<int>("--k") { Description = "Wait-k lag; 0 = each bundle's default." };
        var maxSeconds = new Option<double>("--max-seconds") { Description = "Wall-clock budget per bundle; checkpoints after it runs out are reported as not reached.", DefaultValueFactory = _ => 1800 };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for long-context.csv and long-context.json.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("artifacts", "benchmarks")) };
        var wavs = new Option<string[]>("--wav") { Description = "The speech to loop (16 kHz mono); default: samples/*.wav and every bundle's golden/*.wav, the same for all bundles." };
        var root = new RootCommand("Long-context benchmark: decoder and encoder step time and per-stream memory of one single-segment stream as its context grows.")
        {
            bundles, minutes, checkpoints, steps, waitK, maxSeconds, output, wavs,
        };
        steps.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) { r.AddError("--steps must be 1..100000."); } });
        maxSeconds.Validators.Add(r => { if (r.GetValueOrDefault<double>() <= 0) { r.AddError("--max-seconds must be more than 0."); } });
        root.SetAction(parse =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            string repo = RepositoryRoot();
            var paths = parse.GetValue(bundles) is { Length: > 0 } given
                ? given.Select(Path.GetFullPath).ToArray()
                : [Path.Combine(repo, "models", "demo-small"), Path.Combine(repo, "models", "demo-small-softmax")];
            IReadOnlyList<Checkpoint> points;
            try
            {
                points = Checkpoint.ParseList(parse.GetRequiredValue(checkpoints));
            }
            catch (FormatException ex)
            {
                stderr.WriteLine($"error: --checkpoints: {ex.Message}");
                return 2;
            }

            double limit = (parse.GetValue(minutes) ?? (points[^1].Seconds / 60)) * 60;
            var dropped = points.Where(p => p.Seconds > limit + 1e-9).ToList();
            points = points.Where(p => p.Seconds <= limit + 1e-9).ToList();
            if (points.Count == 0 || points[0].Seconds < 1)
            {
                stderr.WriteLine("error: no checkpoint of at least 1 s within --minutes.");
                return 2;
            }

            foreach (var p in paths.Where(p => !File.Exists(Path.Combine(p, "encoder.onnx"))))
            {
                stderr.WriteLine($"error: {p} is not a model bundle (no encoder.onnx).");
                return 2;
            }

            var wavFiles = parse.GetValue(wavs) is { Length: > 0 } w
                ? w.Select(Path.GetFullPath).ToArray()
                : [.. Directory.GetFiles(Path.Combine(repo, "samples"), "*.wav").Order(StringComparer.Ordinal),
                   .. paths.SelectMany(GoldenWavs)];
            SpeechTrack track;
            try
            {
                track = SpeechTrack.Load(wavFiles);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException)
            {
                stderr.WriteLine($"error: {ex.Message}");
                return 2;
            }

            var outDir = parse.GetRequiredValue(output);
            outDir.Create();
            stdout.WriteLine($"long-context: {track.Files.Count} WAVs looped ({track.LoopSeconds:0.0} s per pass), {points.Count} checkpoints up to {points[^1].Label}, {parse.GetValue(steps)} steps timed at each, one segment (endpointing off)"
                + (dropped.Count > 0 ? $"; dropped past --minutes: {string.Join(", ", dropped.Select(d => d.Label))}" : ""));
            stdout.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, ORT intra-op threads 1");

            var runner = new LongContextRunner(stdout);
            var results = new List<CheckpointResult>();
            var names = new List<string>();
            var clock = Stopwatch.StartNew();
            foreach (var path in paths)
            {
                track = SpeechTrack.Load(wavFiles); // every bundle hears the same audio from its start
                var rows = runner.Run(path, track, points, parse.GetValue(steps), parse.GetValue(waitK), parse.GetValue(maxSeconds));
                names.Add(rows[0].Bundle);
                results.AddRange(rows);
            }

            stdout.WriteLine();
            LongContextReport.WriteTable(stdout, names, results);
            var csv = Path.Combine(outDir.FullName, "long-context.csv");
            var json = Path.Combine(outDir.FullName, "long-context.json");
            LongContextReport.WriteCsv(csv, results);
            LongContextReport.WriteJson(json, new
            {
                Machine = new { Environment.ProcessorCount, Os = RuntimeInformation.OSDescription, Dotnet = Environment.Version.ToString() },
                Wavs = wavFiles,
                Steps = parse.GetValue(steps),
                WaitK = parse.GetValue(waitK),
                MaxSeconds = parse.GetValue(maxSeconds),
                WallSeconds = clock.Elapsed.TotalSeconds,
                Results = results,
            });
            stdout.WriteLine($"wrote {csv} and {json}");
            return 0;
        });
        return root.Parse(args).Invoke();
    }

    private static IEnumerable<string> GoldenWavs(string bundle)
    {
        var golden = Path.Combine(bundle, "golden");
        return Directory.Exists(golden) ? Directory.GetFiles(golden, "*.wav").Order(StringComparer.Ordinal) : [];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeaPformer.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
