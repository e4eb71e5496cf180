using System.Diagnostics;
using System.Text;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// examples/node/translate.js (@grpc/grpc-js) against the real server on a real Kestrel port.
/// Skipped, and counted so, without node or <c>examples/node/node_modules</c>, unless
/// <see cref="NodeFactAttribute.RequireVariable"/>=1 (CI sets it): then it fails on what is missing.
/// </summary>
public sealed class NodeClientTests(SharedServer server, ITestOutputHelper output) : ServerTest(server)
{
    [NodeFact]
    public async Task The_node_example_prints_the_servers_translation_of_the_sample()
    {
        Assert.True(NodeFactAttribute.Missing is null, $"{NodeFactAttribute.RequireVariable}=1 but {NodeFactAttribute.Missing}.");
        var root = BundleLocator.RepositoryRoot();
        var example = NodeFactAttribute.ExampleDirectory;
        var node = NodeFactAttribute.NodePath!;

        var sample = Path.Combine(root, "samples", "to-be-at-a-loss-for-words.wav");
        var expected = await TranslateAsync(WavLoader.Load(sample), new TranslateOptions(WaitK: 3, RealTime: false));
        var text = Assert.Single(expected.Segments).Text;
        Assert.NotEmpty(text);

        await using var kestrel = new KestrelServerFactory();
        var address = kestrel.GrpcAddress;
        var (code, stdout, stderr) = await RunAsync(node, example,
            Path.Combine(example, "translate.js"), "--server", $"{address.Host}:{address.Port}", "--k", "3", "--unpaced", sample);
        output.WriteLine(stdout);

        Assert.True(code == 0, $"node exited with {code}: {stderr}");
        Assert.Contains($"  final #0: {text}\n", stdout, StringComparison.Ordinal);
        Assert.EndsWith($"translation: {text}\n", stdout, StringComparison.Ordinal);
        // The line grew by deltas: the segment's line holds exactly the final text after its time stamp.
        Assert.StartsWith($"[  0.00 s] {text}\n", stdout, StringComparison.Ordinal);

        // An error status is printed with its sentence and a non-zero exit code.
        var bad = await RunAsync(node, example, Path.Combine(example, "translate.js"), "--server", $"{address.Host}:{address.Port}", "--k", "99", "--unpaced", sample);
        Assert.Equal(1, bad.Code);
        Assert.StartsWith("error: INVALID_ARGUMENT: wait_k must be", bad.Stderr, StringComparison.Ordinal);
        await TestTimeouts.WaitUntilAsync(() => kestrel.IsDrained, TestTimeouts.Short, "the node client's streams ended");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string node, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {node}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Stream);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
