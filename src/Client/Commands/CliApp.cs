using System.CommandLine;
using Grpc.Net.Client;

namespace LeaPformer.Client.Commands;

/// <summary>The <c>leapformer</c> command line.</summary>
internal static class CliApp
{
    public const string DefaultServer = "http://127.0.0.1:50051";

    /// <param name="openChannel">How eval, bench and mic reach the server; null = <see cref="GrpcChannel.ForAddress(Uri, GrpcChannelOptions)"/>
    /// over a handler that opens more HTTP/2 connections once one has 100 streams (the functional tests pass the in-process server's channel).</param>
    public static RootCommand Create(Func<Uri, GrpcChannel>? openChannel = null) => new("leapformer: stream English speech to a LeaPformer Live server and print the Spanish translation as it grows")
    {
        TranslateCommand.Create(),
        InfoCommand.Create(),
        HealthCommand.Create(),
        EvalCommand.Create(openChannel ?? OpenChannel),
        BenchCommand.Create(openChannel ?? OpenChannel),
        MicCommand.Create(openChannel ?? OpenChannel),
        CompareCommand.Create(),
    };

    private static GrpcChannel OpenChannel(Uri uri) => GrpcChannel.ForAddress(uri, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        DisposeHttpClient = true,
    });

    public static Option<Uri> ServerOption()
        => HttpUriOption("--server", "The server's address: http:// (HTTP/2 without TLS) or https://.", DefaultServer, "-s");

    /// <summary>--timeout: seconds to wait for a one-call answer (info, health), default 5, more than 0 and at most 3600.</summary>
    public static Option<double> TimeoutOption()
    {
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 5 };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and <= 3600))
            {
                r.AddError("--timeout must be more than 0 and at most 3600 seconds.");
            }
        });
        return timeout;
    }

    /// <summary>An option holding an absolute http:// or https:// address; anything else is a parse error naming the option.</summary>
    public static Option<Uri> HttpUriOption(string name, string description, string defaultValue, params string[] aliases)
        => new(name, aliases)
        {
            Description = description,
            DefaultValueFactory = _ => new Uri(defaultValue),
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                result.AddError($"{name} must be an http:// or https:// address, not '{text}'.");
                return null;
            },
        };
}
