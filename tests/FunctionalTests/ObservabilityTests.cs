using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using LeaPformer.Server.Calls;
using static LeaPformer.FunctionalTests.Infrastructure.RawStream;

namespace LeaPformer.FunctionalTests;

/// <summary>Health, reflection, Prometheus metrics, structured logs with a stream id, GetModelInfo.</summary>
public sealed class ObservabilityTests(SharedServer server) : ServerTest(server)
{
    [Fact]
    public async Task HealthIsServingOnceTheModelIsWarm()
    {
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Server.HealthAsync(Channel));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Server.HealthAsync(Channel, Translator.Descriptor.FullName));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Server.HealthAsync(Channel, "no.such.Service"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.True((await Client.GetModelInfoAsync(TestTimeouts.Short)).Ready);
    }

    [Fact]
    public async Task ReflectionListsTheServices()
    {
        var reflection = new ServerReflection.ServerReflectionClient(Channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow + TestTimeouts.Short);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = Translator.Descriptor.FullName });
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(TestTimeouts.Short);

        var services = responses[0].ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("leapformer.v1.Translator", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.NotEmpty(responses[1].FileDescriptorResponse.FileDescriptorProto);
    }

    [Fact]
    public async Task ModelInfoReportsTheLimits()
    {
        var info = await Client.GetModelInfoAsync(TestTimeouts.Short);

        Assert.Equal(32, info.Limits.MaxConcurrentStreams);
        Assert.Equal(1024 * 1024, info.Limits.MaxMessageBytes);
        Assert.Equal(3_600_000, info.Limits.MaxStreamDurationMs);
        Assert.Equal(30_000, info.Limits.IdleTimeoutMs);
        Assert.False(info.Limits.ApiKeyRequired);
    }

    [Fact]
    public async Task EveryLineOfACallCarriesItsStreamId()
    {
        var mark = Server.Logs.Mark;
        await TranslateAsync(WavLoader.Load(Golden[0].WavPath), new TranslateOptions(WaitK: 3, RealTime: false));
        await RunAsync(Channel, Config(), Audio(new byte[3]));
        await TestTimeouts.WaitUntilAsync(() => Server.Limiter.Active == 0, TestTimeouts.Short, "both streams ended");

        var ours = Server.Logs.EventsSince(mark)
            .Where(e => e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("LeaPformer.Server", StringComparison.Ordinal))
            .ToList();
        Assert.True(ours.Count >= 4, LogCapture.Describe(ours));
        Assert.All(ours, e => Assert.True(e.Properties.ContainsKey(CallObservabilityInterceptor.StreamIdProperty), e.RenderMessage()));
        var ids = ours.Select(e => e.Properties[CallObservabilityInterceptor.StreamIdProperty].ToString()).Distinct().ToList();
        Assert.Equal(2, ids.Count);
    }

    [Fact]
    public async Task JsonLogsAreOneObjectPerLineWithTheStreamId()
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            await using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Serilog:Format"] = "json" });
            using var channel = factory.CreateChannel();
            await factory.CreateClient(channel).TranslateAsync(WavLoader.Load(Golden[0].WavPath), new TranslateOptions(WaitK: 3, RealTime: false))
                .WaitAsync(TestTimeouts.Stream);
            await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 0, TestTimeouts.Short, "the stream ended");
        }
        finally
        {
            Console.SetOut(original);
        }

        var lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var started = Assert.Single(lines, l => l.TryGetProperty("@m", out var m) && m.GetString()!.StartsWith("Stream ", StringComparison.Ordinal)
            && m.GetString()!.Contains(" started: ", StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(started.GetProperty("StreamId").GetString()));
        Assert.Contains(lines, l => l.TryGetProperty("@m", out var m) && m.GetString()!.Contains("ended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetricsAreServedOverHttp1OnTheirOwnPortWhileGrpcUsesH2c()
    {
        // Endpointing off: the stream is compared with the whole-WAV golden decode (WholeStreamServer).
        await using var factory = new KestrelServerFactory(WholeStreamServer.Settings);
        using var channel = factory.CreateChannel();
        var client = factory.CreateClient(channel);

        // gRPC over cleartext HTTP/2 (prior knowledge) on the main endpoint.
        var outcome = await client.TranslateAsync(WavLoader.Load(Golden[0].WavPath), new TranslateOptions(WaitK: 3, RealTime: false))
            .WaitAsync(TestTimeouts.Stream);
        Assert.Equal(Golden[0].Decode(3).Tokens, outcome.Tokens.Select(t => t.Id));
        var (_, error) = await RunAsync(channel, Config(rate: 4000));
        Assert.Equal(StatusCode.InvalidArgument, error!.StatusCode);
        await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 0, TestTimeouts.Short, "the streams ended");

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, Timeout = TestTimeouts.Short };
        using var response = await http.GetAsync($"http://127.0.0.1:{factory.MetricsPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("leapformer_active_streams 0", text);
        Assert.Contains("leapformer_live_sessions 0", text);
        Assert.Contains("leapformer_model_ready 1", text);
        Assert.Contains($"leapformer_emitted_tokens_total {Golden[0].Decode(3).Tokens.Count}", text);
        Assert.Contains("leapformer_audio_seconds_total", text);
        Assert.Contains("leapformer_chunk_compute_seconds_bucket", text);
        Assert.Contains("leapformer_stream_real_time_factor_count 1", text);
        Assert.Contains("leapformer_rpcs_total{method=\"StreamingTranslate\",code=\"OK\"} 1", text);
        Assert.Contains("leapformer_rpc_errors_total{method=\"StreamingTranslate\",code=\"InvalidArgument\"} 1", text);
        Assert.Contains("process_cpu_seconds_total", text);

        // Not on the gRPC port.
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var onGrpcPort = await h2c.GetAsync(new Uri(factory.GrpcAddress, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }
}
