using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Commands;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// <c>leapformer bench</c> run in process (its real command line) against the real server on real
/// Kestrel sockets, scraping its real metrics port. Counts are checked, never speed.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BenchCommandTests(BenchCommandTests.Fixture server, ITestOutputHelper output) : IClassFixture<BenchCommandTests.Fixture>
{
    private static readonly TimeSpan BenchTimeout = TimeSpan.FromSeconds(120);

    private static string SampleWav => Path.Combine(BundleLocator.RepositoryRoot(), BenchCommand.DefaultWav);

    [Fact]
    public async Task Three_unpaced_streams_report_what_was_sent()
    {
        var (code, stdout, stderr, json) = await RunBenchAsync("--streams", "3", "--unpaced", "--repeat", "2", "--gap-ms", "300", "--chunk-ms", "40");

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        var wav = WavLoader.Load(SampleWav);
        double perStream = ((2.0 * wav.Samples.Length) + (wav.SampleRate * 0.3)) / wav.SampleRate;
        var report = json.RootElement;
        Assert.Equal(3, report.GetProperty("streams").GetInt32());
        Assert.Equal(3, report.GetProperty("streams_ok").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateObject());
        Assert.Equal(3 * perStream, report.GetProperty("audio_seconds").GetDouble(), 6);
        Assert.Equal(perStream, report.GetProperty("audio_seconds_per_stream").GetDouble(), 6);
        Assert.True(report.GetProperty("tokens").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("lag").ValueKind);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("real_time_held").ValueKind);
        Assert.True(report.GetProperty("stream_wall_over_audio").GetProperty("max").GetDouble() > 0);

        // The server's own counters, differenced between the scrapes, agree with the client.
        var metrics = report.GetProperty("server");
        Assert.Equal(3 * perStream, metrics.GetProperty("audio_seconds").GetDouble(), 3);
        Assert.Equal(report.GetProperty("tokens").GetInt64(), metrics.GetProperty("tokens_emitted").GetDouble());
        var chunks = metrics.GetProperty("chunk_compute_ms");
        Assert.Equal(3 * Math.Ceiling(perStream * 1000 / 40), chunks.GetProperty("count").GetDouble());
        Assert.True(chunks.GetProperty("p50").GetProperty("value").GetDouble() <= chunks.GetProperty("p99").GetProperty("value").GetDouble());
        Assert.True(metrics.GetProperty("cpu_seconds_per_audio_second").GetDouble() > 0);
        Assert.Contains("unpaced", stdout, StringComparison.Ordinal);
        Assert.Contains("real time held", stdout, StringComparison.Ordinal);
        Assert.Empty(server.Server.Logs.ErrorsSince(0));
    }

    [Fact]
    public async Task Two_paced_streams_report_a_lag_for_every_token()
    {
        var (code, stdout, stderr, json) = await RunBenchAsync("--streams", "2", "--duration", "2", "--ramp", "0.5", "--wait-k", "3");

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        var report = json.RootElement;
        Assert.Equal(2, report.GetProperty("streams").GetInt32());
        Assert.Equal(2, report.GetProperty("streams_ok").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateObject());
        Assert.True(report.GetProperty("paced").GetBoolean());
        Assert.Equal(4.0, report.GetProperty("audio_seconds").GetDouble(), 6);
        long tokens = report.GetProperty("tokens").GetInt64();
        Assert.True(tokens > 0);
        var lag = report.GetProperty("lag");
        Assert.Equal(tokens, lag.GetProperty("tokens").GetInt64());
        Assert.True(lag.GetProperty("p50_ms").GetDouble() <= lag.GetProperty("p99_ms").GetDouble());
        Assert.True(lag.GetProperty("p99_ms").GetDouble() <= lag.GetProperty("max_ms").GetDouble());
        Assert.NotEqual(JsonValueKind.Null, report.GetProperty("real_time_held").ValueKind);
        Assert.Equal(2 * 2.0, report.GetProperty("server").GetProperty("audio_seconds").GetDouble(), 3);
        Assert.Contains("token lag (ms)", stdout, StringComparison.Ordinal);
        Assert.Empty(server.Server.Logs.ErrorsSince(0));
    }

    [Fact]
    public async Task Bad_options_and_an_unreadable_wav_are_refused_before_streaming()
    {
        using var folder = new TempFolder();
        var notWav = Path.Combine(folder.Path, "not.wav");
        File.WriteAllText(notWav, "hello");

        var badWav = await RunBenchAsync("--wav", notWav);
        var both = await RunBenchAsync("--paced", "--unpaced");
        var steps = await RunBenchAsync("--find-max", "--steps", "100,50");

        Assert.Equal(2, badWav.Code);
        Assert.Contains("cannot use", badWav.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, both.Code);
        Assert.Contains("--paced and --unpaced", both.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, steps.Code);
        Assert.Contains("--steps must be", steps.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.Limiter.Active);
    }

    private async Task<(int Code, string Stdout, string Stderr, JsonDocument Json)> RunBenchAsync(params string[] args)
    {
        using var folder = new TempFolder();
        var jsonPath = Path.Combine(folder.Path, "bench.json");
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        string[] all =
        [
            "bench", "--server", server.Server.GrpcAddress.ToString(), "--metrics", $"http://127.0.0.1:{server.Server.MetricsPort}/metrics",
            "--json", jsonPath, .. args.Contains("--wav") ? [] : new[] { "--wav", SampleWav }, .. args,
        ];
        var code = await CliApp.Create(_ => server.Server.CreateChannel()).Parse(all)
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).WaitAsync(BenchTimeout);
        await TestTimeouts.WaitUntilAsync(() => server.Server.IsDrained, TestTimeouts.Short, "every stream has ended on the server");
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString());
        var json = File.Exists(jsonPath) ? JsonDocument.Parse(File.ReadAllText(jsonPath)) : JsonDocument.Parse("null");
        return (code, stdout.ToString(), stderr.ToString(), json);
    }

    /// <summary>One server on real sockets (gRPC h2c and the HTTP/1.1 metrics port) for the tests of this class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public KestrelServerFactory Server { get; } = new();

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("leapformer-bench-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
