using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Bench;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>leapformer bench</c>: N concurrent streams against a running server, measured from the client
/// (token lag, throughput) and from the server's Prometheus metrics (compute, CPU, memory); see
/// docs/benchmarks.md. Exit codes: 0 measured (whatever it found), 1 the server is unreachable,
/// 2 bad input, 130 cancelled.
/// </summary>
internal static class BenchCommand
{
    public const string DefaultWav = "samples/to-be-at-a-loss-for-words.wav";
    public const string DefaultMetrics = "http://127.0.0.1:9464/metrics";

    public static Command Create(Func<Uri, GrpcChannel> openChannel)
    {
        var server = CliApp.ServerOption();
        var metrics = CliApp.HttpUriOption(
            "--metrics", "The server's Prometheus endpoint (scraped before, during and after the run).", DefaultMetrics);
        var noMetrics = new Option<bool>("--no-metrics") { Description = "Do not scrape the server: client-side figures only." };
        var wav = new Option<FileInfo>("--wav") { Description = $"The WAV every stream sends (default {DefaultWav}, looked up from here and above the program)." };
        var streams = new Option<int>("--streams", "-n") { Description = "Concurrent streams.", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat", "-r") { Description = "Copies of the WAV per stream.", DefaultValueFactory = _ => 1 };
        var duration = new Option<double?>("--duration", "-d") { Description = "Seconds of audio per stream, the WAV repeated to fill them (overrides --repeat)." };
        var gapMs = new Option<int>("--gap-ms") { Description = "ms of silence between copies of the WAV." };
        var paced = new Option<bool>("--paced") { Description = "Send at real-time pace, like a microphone (the default)." };
        var unpaced = new Option<bool>("--unpaced") { Description = "Send as fast as the server takes the audio." };
        var chunkMs = new Option<int>("--chunk-ms") { Description = "ms of audio per message.", DefaultValueFactory = _ => 100 };
        var ramp = new Option<double>("--ramp") { Description = "Spread the stream starts evenly over this many seconds." };
        var waitK = new Option<int>("--wait-k", "-k", "--k") { Description = "Wait-k lag in source units; 0 = the server's default, -1 = offline." };
        var threshold = new Option<double>("--lag-threshold-ms") { Description = "Real time holds when every paced stream's p95 token lag is at most this.", DefaultValueFactory = _ => 1000 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report (or the --find-max steps) to this JSON file." };
        var findMax = new Option<bool>("--find-max") { Description = "Paced runs at each --steps count until one does not hold real time; reports the largest that did." };
        var steps = new Option<string>("--steps") { Description = "Stream counts for --find-max, ascending, comma-separated.", DefaultValueFactory = _ => "50,100,200,300,400,500,600,800" };

        streams.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 1 and <= 10_000, "--streams must be 1..10000."));
        repeat.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 1 and <= 100_000, "--repeat must be 1..100000."));
        duration.Validators.Add(r => Require(r, r.GetValueOrDefault<double?>() is null or (> 0 and <= 86_400), "--duration must be more than 0 and at most 86400 s."));
        gapMs.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 0 and <= 600_000, "--gap-ms must be 0..600000."));
        chunkMs.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 1 and <= 10_000, "--chunk-ms must be 1..10000."));
        ramp.Validators.Add(r => Require(r, r.GetValueOrDefault<double>() is >= 0 and <= 3600, "--ramp must be 0..3600 s."));
        waitK.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() >= -1, "--wait-k must be -1 (offline), 0 (the server's default) or a lag of 1 or more."));
        threshold.Validators.Add(r => Require(r, r.GetValueOrDefault<double>() > 0, "--lag-threshold-ms must be more than 0."));
        steps.Validators.Add(r => Require(r, ParseSteps(r.GetValueOrDefault<string>()) is not null, "--steps must be stream counts of 1 or more, ascending, comma-separated (e.g. 50,100,200)."));

        var command = new Command("bench", "Load test: N concurrent streams against a running server; token lag, throughput, server compute, CPU and memory.")
        {
            server, metrics, noMetrics, wav, streams, repeat, duration, gapMs, paced, unpaced, chunkMs, ramp, waitK, threshold, json, findMax, steps,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(paced) && r.GetValue(unpaced))
            {
                r.AddError("--paced and --unpaced exclude each other.");
            }

            if (r.GetValue(findMax) && r.GetValue(unpaced))
            {
                r.AddError("--find-max runs paced streams; leave out --unpaced.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var wavPath = parse.GetValue(wav)?.FullName ?? FindDefaultWav();
            BenchAudio audio;
            try
            {
                if (wavPath is null || !File.Exists(wavPath))
                {
                    throw new FileNotFoundException($"{wavPath ?? DefaultWav} is not a file");
                }

                audio = BenchAudio.Create(WavLoader.Load(wavPath), parse.GetValue(repeat), parse.GetValue(duration), parse.GetValue(gapMs), parse.GetValue(chunkMs));
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or ArgumentException)
            {
                stderr.WriteLine($"error: cannot use {wavPath ?? DefaultWav} as the stream's audio: {ex.Message}");
                return 2;
            }

            var settings = new BenchSettings(
                Streams: parse.GetValue(streams),
                Paced: !parse.GetValue(unpaced),
                ChunkMs: parse.GetValue(chunkMs),
                RampSeconds: parse.GetValue(ramp),
                WaitK: parse.GetValue(waitK),
                LagThresholdMs: parse.GetValue(threshold));
            var url = parse.GetRequiredValue(server);
            using var http = new HttpClient();
            var scraper = parse.GetValue(noMetrics) ? null : new MetricsScraper(http, parse.GetRequiredValue(metrics));
            var counts = parse.GetValue(findMax) ? ParseSteps(parse.GetRequiredValue(steps)) : null;
            return await RunAsync(url, openChannel, audio, Path.GetFileName(wavPath), settings, scraper, counts, parse.GetValue(json)?.FullName, stdout, stderr, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url,
        Func<Uri, GrpcChannel> openChannel,
        BenchAudio audio,
        string wavName,
        BenchSettings settings,
        MetricsScraper? scraper,
        IReadOnlyList<int>? findMaxCounts,
        string? jsonPath,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        using var channel = openChannel(url);
        var client = new Translator.TranslatorClient(channel);
        try
        {
            var info = await new StreamingTranslationClient(client).GetModelInfoAsync(TimeSpan.FromSeconds(30), cancellationToken);
            int most = findMaxCounts?[^1] ?? settings.Streams;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench {url}: model {info.ModelName} ({info.Attention} attention), {wavName} as {audio.DurationMs / 1000:0.00} s of audio per stream, server limit {info.Limits?.MaxConcurrentStreams} streams"));
            if (info.Limits is { MaxConcurrentStreams: > 0 } limits && most > limits.MaxConcurrentStreams)
            {
                stderr.WriteLine($"warning: {most} streams exceed the server's limit of {limits.MaxConcurrentStreams}; the rest get RESOURCE_EXHAUSTED (raise Streaming:MaxConcurrentStreams)");
            }

            var runner = new BenchRunner(client, scraper, stderr);
            if (findMaxCounts is not null)
            {
                var found = await runner.FindMaxAsync(audio, settings, findMaxCounts, cancellationToken);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"largest stream count that held real time (p95 lag <= {settings.LagThresholdMs:0} ms): {(found.MaxStreamsRealTime > 0 ? found.MaxStreamsRealTime.ToString(CultureInfo.InvariantCulture) : "none of those tried")}"));
                WriteJson(jsonPath, found, stdout);
                return 0;
            }

            var report = await runner.RunAsync(audio, settings, cancellationToken);
            BenchReportWriter.WriteTable(stdout, report);
            WriteJson(jsonPath, report, stdout);
            return 0;
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine(CliErrors.Line(ex, url, $"{url}: "));
            return 1;
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("cancelled");
            return 130;
        }
    }

    private static void WriteJson<T>(string? path, T report, TextWriter stdout)
    {
        if (path is not null)
        {
            BenchReportWriter.WriteJson(path, report);
            stdout.WriteLine($"wrote {path}");
        }
    }

    /// <summary>The default WAV under the current folder or any folder above the program.</summary>
    private static string? FindDefaultWav()
    {
        if (File.Exists(DefaultWav))
        {
            return Path.GetFullPath(DefaultWav);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultWav);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int[]? ParseSteps(string? text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1 || (i > 0 && counts[i] <= counts[i - 1]))
            {
                return null;
            }
        }

        return counts.Length > 0 ? counts : null;
    }

    private static void Require(OptionResult result, bool condition, string message)
    {
        if (!condition)
        {
            result.AddError(message);
        }
    }
}
