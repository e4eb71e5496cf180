using System.CommandLine;

namespace LeaPformer.Client.Commands;

/// <summary>The <c>leapformer</c> command line.</summary>
internal static class CliApp
{
    public const string DefaultServer = "http://127.0.0.1:50051";

    public static RootCommand Create() => new("leapformer: stream English speech to a LeaPformer Live server and print the Spanish translation as it grows")
    {
        TranslateCommand.Create(),
        InfoCommand.Create(),
    };

    public static Option<Uri> ServerOption() => new("--server", "-s")
    {
        Description = "The server's address: http:// (HTTP/2 without TLS) or https://.",
        DefaultValueFactory = _ => new Uri(DefaultServer),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--server must be an http:// or https:// address, not '{text}'.");
            return null;
        },
    };
}
