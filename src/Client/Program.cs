using LeaPformer.Client.Commands;

namespace LeaPformer.Client;

// Not top-level statements: their global `Program` would clash with the server's in the functional tests.
internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.Create().Parse(args).InvokeAsync();
}
