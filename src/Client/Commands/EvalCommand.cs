using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Eval;
using LeaPformer.Client.Translation;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>leapformer eval --manifest TSV</c>: streams a test set through the server and scores it as
/// SimulEval does (docs/evaluation.md). Exit codes: 0 scored, 1 the server failed or is unreachable,
/// 2 bad input (manifest, audio, options), 130 cancelled.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(Func<Uri, GrpcChannel> openChannel)
    {
        var manifest = new Option<FileInfo>("--manifest", "-m") { Description = "A fairseq S2T manifest (TSV with id, audio, tgt_text; audio paths relative to its folder or absolute).", Required = true };
        manifest.AcceptExistingOnly();
        var server = CliApp.ServerOption();
        var waitK = new Option<int>("--k", "-k") { Description = "Wait-k lag in source units; 0 = the server's default, -1 = offline." };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for instances.log and scores.tsv.", DefaultValueFactory = _ => new DirectoryInfo("eval-output") };
        var limit = new Option<int>("--limit") { Description = "Evaluate only the first N rows (0 = all)." };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Streams at once (above 1 they share the server's CPU, inflating computation-aware latency).", DefaultValueFactory = _ => 1 };
        var fast = new Option<bool>("--fast") { Description = "Send the audio unpaced (the default); CA = delay + wall-clock time since the stream began." };
        var realTime = new Option<bool>("--realtime") { Description = "Send the audio at real-time pace, like a microphone; CA = arrival time." };
        var chunkMs = new Option<int>("--chunk-ms") { Description = "ms of audio per message.", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() >= 0, "--limit must be 0 or more."));
        concurrency.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 1 and <= 256, "--concurrency must be 1..256."));
        chunkMs.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 1 and <= 10_000, "--chunk-ms must be 1..10000."));
        waitK.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() >= -1, "--k must be -1 (offline), 0 (the server's default) or a lag of 1 or more."));

        var command = new Command("eval", "Stream a test set through the server and score it: BLEU, chrF, AL, LAAL, DAL, AP (and computation-aware).")
        {
            manifest, server, waitK, output, limit, concurrency, fast, realTime, chunkMs,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(fast) && r.GetValue(realTime))
            {
                r.AddError("--fast and --realtime exclude each other.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var settings = new EvalSettings(
                ManifestPath: parse.GetRequiredValue(manifest).FullName,
                OutputFolder: parse.GetRequiredValue(output).FullName,
                WaitK: parse.GetValue(waitK),
                RealTime: parse.GetValue(realTime),
                ChunkMs: parse.GetValue(chunkMs),
                Concurrency: parse.GetValue(concurrency),
                Limit: parse.GetValue(limit) is > 0 and var n ? n : null);
            var url = parse.GetRequiredValue(server);
            return await RunAsync(settings, url, openChannel, stdout, stderr, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        EvalSettings settings, Uri url, Func<Uri, GrpcChannel> openChannel, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        IReadOnlyList<ManifestEntry> entries;
        try
        {
            entries = EvalManifest.Read(settings.ManifestPath, settings.Limit);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return 2;
        }

        using var channel = openChannel(url);
        var client = new StreamingTranslationClient(channel);
        try
        {
            var info = await client.GetModelInfoAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var k = settings.WaitK switch
            {
                0 => $"{info.DefaultWaitK} (the server's default)",
                -1 => "offline",
                var lag => lag.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var pace = settings.RealTime ? "real-time pace" : "unpaced";
            stdout.WriteLine($"eval {Path.GetFileName(settings.ManifestPath)}: {entries.Count} instances, model {info.ModelName} ({info.Attention} attention), k = {k}, {pace}, concurrency {settings.Concurrency}");

            var run = await new EvalRunner(client, settings, stderr).RunAsync(entries, cancellationToken);
            var (log, tsv) = EvalRunner.Write(run, settings.OutputFolder);
            EvalReport.Write(stdout, run);
            stdout.WriteLine($"wrote {log} and {tsv}");
            return 0;
        }
        catch (EvalException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return ex.BadInput ? 2 : 1;
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

    private static void Require(System.CommandLine.Parsing.OptionResult result, bool condition, string message)
    {
        if (!condition)
        {
            result.AddError(message);
        }
    }
}
