using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Capture;
using LeaPformer.Client.Translation;
using Spectre.Console;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>leapformer mic</c>: live translation from the microphone (waveIn on Windows; arecord, parec
/// or sox elsewhere) or from raw PCM on stdin, in 100 ms messages, with a live display on a
/// terminal and plain lines otherwise. Ctrl+C half-closes and waits for the final result.
/// Exit codes: 0 stopped or input ended, 1 the server failed or is unreachable, 2 no capture
/// source or it failed (docs/clients.md).
/// </summary>
internal static class MicCommand
{
    private const int ChunkMs = 100;

    // System.CommandLine ends the process 2 s after Ctrl+C (InvocationConfiguration.ProcessTerminationTimeout):
    // the final result must come before that. A segment's tail is at most one 280 ms source unit plus the
    // decoder's last tokens, well under a second of compute.
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan InfoTimeout = TimeSpan.FromSeconds(10);

    /// <param name="openChannel">How the server is reached (the functional tests pass the in-process server's channel).</param>
    /// <param name="environment">Where recorders and stdin are looked for; null = this process's.</param>
    public static Command Create(Func<Uri, GrpcChannel> openChannel, CaptureEnvironment? environment = null)
    {
        var server = CliApp.ServerOption();
        var waitK = new Option<int>("--wait-k", "--k", "-k") { Description = "Wait-k lag in source units; 0 = the server's default." };
        var device = new Option<string?>("--device", "-d") { Description = "Capture device: arecord -D / parec -d / sox AUDIODEV name; on Windows a device number or part of its name. Default: the system's default input." };
        var stdin = new Option<bool>("--stdin") { Description = "Read raw 16-bit little-endian mono PCM at --rate from standard input instead of a microphone." };
        var rate = new Option<int>("--rate") { Description = "Sample rate in Hz to record at (or of the --stdin PCM); the server resamples 8000..48000.", DefaultValueFactory = _ => 16000 };
        waitK.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < -1)
            {
                r.AddError("--wait-k must be -1 (offline), 0 (the server's default) or a lag of 1 or more.");
            }
        });
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 8000 or > 48000)
            {
                r.AddError("--rate must be 8000..48000 Hz.");
            }
        });

        var command = new Command("mic", "Translate live from the microphone (or raw PCM on stdin), showing the translation as it grows. Ctrl+C stops.")
        {
            server, waitK, device, stdin, rate,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new CaptureRequest(parse.GetValue(stdin), parse.GetValue(rate), parse.GetValue(device)),
            parse.GetRequiredValue(server),
            parse.GetValue(waitK),
            openChannel,
            environment ?? CaptureEnvironment.Process,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CaptureRequest request,
        Uri url,
        int waitK,
        Func<Uri, GrpcChannel> openChannel,
        CaptureEnvironment environment,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        CapturePlan plan;
        try
        {
            plan = CapturePlan.Choose(request, environment);
        }
        catch (CaptureException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return 2;
        }

        using var channel = openChannel(url);
        var client = new StreamingTranslationClient(channel);
        string kText;
        string model;
        try
        {
            var info = await client.GetModelInfoAsync(InfoTimeout, cancellationToken);
            kText = waitK switch
            {
                0 => $"{info.DefaultWaitK.ToString(CultureInfo.InvariantCulture)} (the server's default)",
                -1 => "offline",
                _ => waitK.ToString(CultureInfo.InvariantCulture),
            };
            model = info.ModelName;
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine(CliErrors.Line(ex, url, $"cannot reach the server at {url}: "));
            return 1;
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("cancelled");
            return 130;
        }

        AudioCapture capture;
        try
        {
            capture = plan.Start();
        }
        catch (CaptureException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return 2;
        }

        await using (capture)
        {
            var header = new MicHeader(url, model, kText, capture.Description);
            IMicView view = IsTerminal(stdout) ? new MicLiveView(AnsiConsole.Console, header) : new MicPlainView(stdout, header);
            var streamer = new LiveTranslationStreamer(new LeaPformer.Contracts.V1.Translator.TranslatorClient(channel));
            try
            {
                var outcome = await view.RunAsync(() => streamer.StreamAsync(
                    capture, waitK, ChunkMs, view.OnResponse, view.OnStopping, FinalTimeout, cancellationToken));
                view.Summary(outcome);
                if (!outcome.Complete)
                {
                    stderr.WriteLine($"error: no final result from {url} within {FinalTimeout.TotalSeconds} s of stopping.");
                    return 1;
                }

                return 0;
            }
            catch (CaptureException ex)
            {
                stdout.WriteLine();
                stderr.WriteLine($"error: {ex.Message}");
                return 2;
            }
            catch (RpcException ex)
            {
                stdout.WriteLine();
                stderr.WriteLine(CliErrors.Line(ex, url, $"{url}: "));
                return 1;
            }
        }
    }

    /// <summary>
    /// A live display only when stdout is an ANSI terminal; redirected output (or a test's writer) gets plain lines.
    /// Not Spectre's Capabilities.Interactive: that is false whenever stdin is redirected, as with <c>--stdin</c>.
    /// </summary>
    private static bool IsTerminal(TextWriter stdout)
        => ReferenceEquals(stdout, Console.Out)
            && !Console.IsOutputRedirected
            && AnsiConsole.Profile.Capabilities.Ansi;
}
