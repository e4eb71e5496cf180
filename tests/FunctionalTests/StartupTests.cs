using LeaPformer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LeaPformer.FunctionalTests;

/// <summary>A bad bundle or bad options stop the server at start, with a message that names the culprit.</summary>
[Collection(ServerCollection.Name)]
public sealed class StartupTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("leapformer-startup-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void AMissingBundleFolderIsNamed()
    {
        var missing = Path.Combine(_scratch, "no-such-bundle");

        var message = StartFailure(new Dictionary<string, string>(), missing);

        Assert.True(message.Contains(missing, StringComparison.Ordinal), message);
    }

    [Theory]
    [InlineData("decoder.onnx")]
    [InlineData("tokens.txt")]
    [InlineData("cmvn.json")]
    public void ABundleMissingAFileNamesTheFile(string file)
    {
        var bundle = Path.Combine(_scratch, "partial");
        Directory.CreateDirectory(bundle);
        foreach (var source in Directory.GetFiles(BundleLocator.Find()).Where(f => Path.GetFileName(f) != file))
        {
            File.Copy(source, Path.Combine(bundle, Path.GetFileName(source)));
        }

        var message = StartFailure(new Dictionary<string, string>(), bundle);

        Assert.True(message.Contains(file, StringComparison.Ordinal), message);
    }

    [Theory]
    [InlineData("Auth:ApiKeys:0:Key", "short")]
    [InlineData("Streaming:MaxMessageBytes", "10")]
    [InlineData("Streaming:ShutdownGracePeriod", "-00:00:01")]
    [InlineData("Streaming:MaxConcurrentStreams", "0")]
    [InlineData("Streaming:ResponseBufferSize", "0")]
    [InlineData("Model:DefaultWaitK", "999")]
    public void BadOptionsStopTheServer(string key, string value)
    {
        var settings = new Dictionary<string, string> { [key] = value };
        if (key.StartsWith("Auth:", StringComparison.Ordinal))
        {
            settings["Auth:ApiKeys:0:Name"] = "someone";
        }

        var message = StartFailure(settings, BundleLocator.Find());

        Assert.True(message.Contains(key.Split(':')[^1], StringComparison.Ordinal), message);
        Assert.DoesNotContain("'short'", message); // a key is never repeated
    }

    [Theory]
    [InlineData("Endpointing:SpeechThresholdDbfs", "5")]
    [InlineData("Endpointing:SpeechThresholdDbfs", "NaN")]
    [InlineData("Endpointing:NoiseMarginDb", "-1")]
    [InlineData("Endpointing:SpeechRangeDb", "0")]
    [InlineData("Endpointing:PeakDecayDbPerSecond", "-1")]
    [InlineData("Endpointing:NoiseFloorWindowMs", "0")]
    [InlineData("Endpointing:LeadingPaddingMs", "-10")]
    [InlineData("Endpointing:Rule1MinTrailingSilenceMs", "0")]
    [InlineData("Endpointing:Rule2MinTrailingSilenceMs", "0")]
    [InlineData("Endpointing:MaxSegmentMs", "-1")]
    [InlineData("Endpointing:MaxSegmentMs", "twenty seconds")]
    [InlineData("Endpointing:Enabled", "sometimes")]
    [InlineData("Batching:MaxBatchSize", "0")]
    [InlineData("Batching:MaxBatchSize", "100000")]
    [InlineData("Batching:MaxWait", "00:00:05")]
    [InlineData("Batching:MaxWait", "-00:00:01")]
    [InlineData("Batching:Workers", "-1")]
    [InlineData("Runaway:BaseTokens", "-1")]
    [InlineData("Runaway:MaxTokensPerSecond", "0")]
    [InlineData("Runaway:MaxTokensPerSecond", "many")]
    [InlineData("Runaway:MaxNgramRepeats", "0")]
    [InlineData("Runaway:MaxNgramLength", "0")]
    public void BadEndpointingRunawayOrBatchingStopsTheServerNamingTheKey(string key, string value)
    {
        var message = StartFailure(new Dictionary<string, string> { [key] = value }, BundleLocator.Find());

        Assert.True(message.Contains(key, StringComparison.Ordinal), message);
    }

    [Fact]
    public void AWebPortInUseNamesThePortAndTheSettingThatMovesIt()
    {
        // Another program on the web page's port (8080 by default, a port many programs take).
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var port = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        using var factory = new KestrelServerFactory(new Dictionary<string, string> { ["Web:Url"] = $"http://127.0.0.1:{port}" });

        var error = Assert.ThrowsAny<Exception>(() => factory.Addresses);

        // Kestrel's own exception, described as the server's start-up log line describes it (the in-process
        // host stops Program at Build(), so its RunOrReportAsync is not what runs here).
        var bind = Assert.IsType<IOException>(Chain(error).First(e => e is IOException), exactMatch: false);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{port}" })
            .Build();
        var line = LeaPformer.Server.Hosting.StartupFailure.Describe(bind, configuration);
        Assert.Contains($"http://127.0.0.1:{port}: address already in use", line, StringComparison.Ordinal);
        Assert.Contains($"Another process listens on port {port}", line, StringComparison.Ordinal);
        Assert.Contains("the web page (--Web:Url=", line, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string StartFailure(Dictionary<string, string> settings, string bundle)
    {
        using var factory = new TranslationServerFactory(settings, bundle);
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }
}
