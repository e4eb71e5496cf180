using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Translation;

namespace LeaPformer.Client.Commands;

/// <summary><c>leapformer info</c>: what model the server has loaded. Exit code 1 when the server does not answer.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var server = CliApp.ServerOption();
        var timeout = CliApp.TimeoutOption();
        var command = new Command("info", "Print the model the server serves (GetModelInfo).") { server, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = GrpcChannel.ForAddress(parse.GetRequiredValue(server));
            try
            {
                var info = await new StreamingTranslationClient(channel)
                    .GetModelInfoAsync(TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken);
                Console.WriteLine($"model        {info.ModelName} ({info.ModelType} v{info.ModelVersion}, {info.Attention} attention)");
                Console.WriteLine($"languages    {info.SourceLanguageCode} -> {info.TargetLanguageCode}");
                Console.WriteLine($"audio        {info.SampleRateHertz} Hz mono (the server resamples 8000..48000 Hz; translate resamples other rates itself)");
                Console.WriteLine($"wait-k       default {info.DefaultWaitK}, range {info.MinWaitK}..{info.MaxWaitK}, source unit {info.SourceUnitMs} ms");
                Console.WriteLine($"vocabulary   {info.VocabSize} pieces");
                return 0;
            }
            catch (RpcException ex)
            {
                Console.Error.WriteLine(CliErrors.Line(ex, parse.GetRequiredValue(server)));
                return 1;
            }
        });
        return command;
    }
}
