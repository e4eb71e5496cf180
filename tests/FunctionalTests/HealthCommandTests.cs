using System.CommandLine;
using System.Globalization;
using LeaPformer.Client.Commands;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// <c>leapformer health</c>, the container image's health check, run in process (its real command
/// line and its own channel) against the real server on a Kestrel socket.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HealthCommandTests
{
    [Fact]
    public async Task ServingServerExitsZeroAndUnknownServiceExitsOne()
    {
        await using var factory = new KestrelServerFactory();
        var server = factory.GrpcAddress.ToString();

        var whole = await RunAsync("health", "--server", server);
        var translator = await RunAsync("health", "--server", server, "--service", "leapformer.v1.Translator");
        var unknown = await RunAsync("health", "--server", server, "--service", "no.such.Service");

        Assert.True(whole.Code == 0, whole.Stderr);
        Assert.Equal("SERVING", whole.Stdout.Trim());
        Assert.True(translator.Code == 0, translator.Stderr);
        Assert.Equal("SERVING", translator.Stdout.Trim());
        Assert.Equal(1, unknown.Code);
        Assert.Equal("", unknown.Stdout);
        Assert.Contains("no health service named 'no.such.Service'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServerExitsOneWithTheReason()
    {
        var port = KestrelServerFactory.FreePort(); // nobody listens there

        var (code, stdout, stderr) = await RunAsync("health", "--server", $"http://127.0.0.1:{port}", "--timeout", "5");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"error: no server answers at http://127.0.0.1:{port}/ (", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task BadTimeoutIsRefusedBeforeAnyCall(string timeout)
    {
        var (code, _, stderr) = await RunAsync("health", "--timeout", timeout);

        Assert.NotEqual(0, code);
        Assert.Contains("--timeout must be more than 0", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CliApp.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr })
            .WaitAsync(TestTimeouts.Short);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
