using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;

namespace LeaPformer.Client.Commands;

/// <summary><c>leapformer translate FILE</c>: stream a WAV file and print the translation live.</summary>
internal static class TranslateCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A WAV file: any sample rate (rates a server does not take are resampled here), bit depth and channel count (mixed to mono)." };
        file.AcceptExistingOnly();
        var server = CliApp.ServerOption();
        var waitK = new Option<int>("--k", "-k") { Description = "Wait-k lag in source units; 0 = the server's default, -1 = offline." };
        var fast = new Option<bool>("--fast") { Description = "Send the audio as fast as possible instead of at real-time pace." };
        var chunkMs = new Option<int>("--chunk-ms") { Description = "ms of audio per message.", DefaultValueFactory = _ => 100 };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every token with its source and arrival times at the end of each segment." };
        var single = new Option<bool>("--single-utterance") { Description = "Ask the server to stop after the first segment." };
        chunkMs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                r.AddError("--chunk-ms must be 1..10000.");
            }
        });

        var command = new Command("translate", "Stream a WAV file to the server and print the translation as it grows.")
        {
            file, server, waitK, fast, chunkMs, verbose, single,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            PcmAudio audio;
            int fileRate;
            try
            {
                audio = WavLoader.Load(parse.GetRequiredValue(file).FullName, out fileRate);
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or ArgumentException)
            {
                stderr.WriteLine($"error: cannot read {parse.GetRequiredValue(file).Name} as WAV: {ex.Message}");
                return 2;
            }

            if (fileRate != audio.SampleRate)
            {
                stderr.WriteLine($"note: {parse.GetRequiredValue(file).Name} is {fileRate} Hz; servers take {WavLoader.MinServerRate}..{WavLoader.MaxServerRate} Hz, so it was resampled to {audio.SampleRate} Hz here.");
            }

            var options = new TranslateOptions(
                WaitK: parse.GetValue(waitK),
                ChunkMs: parse.GetValue(chunkMs),
                RealTime: !parse.GetValue(fast),
                SingleUtterance: parse.GetValue(single));
            var printer = new LivePrinter(stdout, parse.GetValue(verbose));
            using var channel = GrpcChannel.ForAddress(parse.GetRequiredValue(server));
            try
            {
                var outcome = await new StreamingTranslationClient(channel).TranslateAsync(audio, options, printer.OnResponse, cancellationToken);
                printer.Summary(outcome, options.RealTime);
                return 0;
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                stdout.WriteLine();
                stderr.WriteLine(CliErrors.Line(ex, parse.GetRequiredValue(server)));
                return 1;
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
            {
                stdout.WriteLine();
                stderr.WriteLine("cancelled");
                return 130; // 128 + SIGINT, as shells report Ctrl+C
            }
        });
        return command;
    }
}
