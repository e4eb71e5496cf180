using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// The real server on real Kestrel sockets for the web demo, with a small message limit to test, and
/// endpointing off: the tests compare whole streams with PyTorch's whole-utterance golden decodes.
/// </summary>
public sealed class WebDemoServer() : KestrelServerFactory(new Dictionary<string, string>
{
    ["Streaming:MaxMessageBytes"] = WebDemoServer.MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Endpointing:Enabled"] = "false",
})
{
    /// <summary>Over 100 ms of 16 kHz LINEAR16 (3200 bytes), so the usual chunks pass.</summary>
    public const int MaxMessageBytes = 16 * 1024;
}

/// <summary>
/// /ws/translate through a real ClientWebSocket: the same call core as gRPC (same tokens), the
/// protocol's error messages with gRPC's status names, and a server that stays healthy.
/// </summary>
public sealed class WebSocketTests(WebDemoServer server) : IClassFixture<WebDemoServer>, IAsyncLifetime
{
    private const int K = 3;
    private int _logMark;

    public Task InitializeAsync()
    {
        _logMark = server.Logs.Mark;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await TestTimeouts.WaitUntilAsync(() => server.IsDrained, TestTimeouts.Short, "every stream and model session has ended");
        var errors = server.Logs.ErrorsSince(_logMark);
        Assert.True(errors.Count == 0, $"The server logged errors:{Environment.NewLine}{LogCapture.Describe(errors)}");
    }

    [Fact]
    public async Task TranslatesExactlyAsGrpcDoesAndClosesNormally()
    {
        var golden = GoldenSet.Load(server.BundlePath)[0];
        var audio = WavLoader.Load(golden.WavPath);

        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendConfigAsync(K);
        await ws.SendAudioAsync(audio, chunkMs: 100);
        await ws.SendEndAsync();
        var messages = await ws.ReadUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        var results = messages.Where(m => m.TryGetProperty("result", out _)).Select(m => m.GetProperty("result")).ToList();
        Assert.Equal(golden.Decode(K).Tokens, TokenIds(messages));
        var final = Assert.Single(results, r => r.TryGetProperty("isFinal", out var f) && f.GetBoolean());
        Assert.Equal("END_OF_SEGMENT", messages[^1].GetProperty("speechEventType").GetString());

        // The same text as a gRPC stream of the same audio.
        using var channel = server.CreateChannel();
        var grpc = await server.CreateClient(channel).TranslateAsync(audio, new TranslateOptions(WaitK: K, RealTime: false)).WaitAsync(TestTimeouts.Stream);
        Assert.Equal(grpc.Segments[0].Text, final.GetProperty("text").GetString());
        Assert.DoesNotContain(messages, m => m.TryGetProperty("error", out _));

        // Counted apart from gRPC calls.
        using var http = new HttpClient { Timeout = TestTimeouts.Short };
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics");
        Assert.Contains("leapformer_rpcs_total{method=\"WebSocketTranslate\",code=\"OK\"}", metrics);
    }

    public static TheoryData<string, string> BadFirstMessages => new()
    {
        { "{not json", "not valid JSON" },
        { "[1, 2]", "must be a JSON object" },
        { "{\"config\": {\"sampleRateHz\": 16000}}", "sampleRateHz" },
        { "{\"config\": {\"encoding\": \"MP3\"}}", "not a valid StreamingTranslateConfig" },
        { "{\"config\": {\"encoding\": \"LINEAR16\", \"sampleRateHertz\": 16000, \"waitK\": 99}}", "wait_k must be between" },
        { "{\"config\": {\"encoding\": \"LINEAR16\", \"sampleRateHertz\": 4000}}", "sample_rate_hertz must be between" },
        { "{\"audio\": \"AAAA\"}", "Unexpected \"audio\"" },
        { "{\"end\": true, \"config\": {}}", "must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadFirstMessages))]
    public async Task ABadConfigGetsInvalidArgumentAndAPolicyClose(string message, string expected)
    {
        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendTextAsync(message);
        await AssertEndsWithAsync(ws, "INVALID_ARGUMENT", expected, WebSocketCloseStatus.PolicyViolation);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task AudioBeforeTheConfigGetsInvalidArgument()
    {
        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendAudioAsync(new byte[3200]);
        await AssertEndsWithAsync(ws, "INVALID_ARGUMENT", "Audio before config", WebSocketCloseStatus.PolicyViolation);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task AnOddByteCountAfterTheConfigGetsInvalidArgument()
    {
        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendConfigAsync(K);
        await ws.SendAudioAsync(new byte[3201]);
        var messages = await ws.ReadUntilClosedAsync();
        AssertError(messages[^1], "INVALID_ARGUMENT", "whole 2-byte samples");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task AMessageOverTheLimitGetsResourceExhausted()
    {
        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendConfigAsync(K);
        await ws.SendAudioAsync(new byte[WebDemoServer.MaxMessageBytes + 2]);
        await AssertEndsWithAsync(ws, "RESOURCE_EXHAUSTED", "Streaming:MaxMessageBytes", (WebSocketCloseStatus)1013);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task AClientThatVanishesMidStreamFreesItsSlot()
    {
        var audio = WavLoader.Load(GoldenSet.Load(server.BundlePath)[0].WavPath);
        var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendConfigAsync(K);
        await ws.SendAudioAsync(audio.Linear16(0, 8000));
        await TestTimeouts.WaitUntilAsync(() => server.Limiter.Active == 1, TestTimeouts.Short, "the stream holds a slot");
        ws.Abort();
        await TestTimeouts.WaitUntilAsync(() => server.IsDrained, TestTimeouts.Short, "the server freed the stream");
        await ws.DisposeAsync();
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task APageFromAnotherOriginIsRefusedAndTheServersOwnIsServed()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TranslateSocket.ConnectAsync(server.WebAddress, origin: "http://evil.example"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress, origin: $"http://127.0.0.1:{server.WebPort}");
        await ws.SendEndAsync(); // half-close before any config: INVALID_ARGUMENT, as over gRPC
        await AssertEndsWithAsync(ws, "INVALID_ARGUMENT", "The stream ended before its config", WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task ThePageAndModelInfoAreServedOnTheWebPortOnly()
    {
        using var http = new HttpClient { BaseAddress = server.WebAddress, Timeout = TestTimeouts.Short };
        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var script in new[] { "/app.js", "/pcm-worklet.js" })
        {
            using var response = await http.GetAsync(script);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        }

        var info = JsonDocument.Parse(await http.GetStringAsync("/api/model-info")).RootElement;
        var metadata = server.Model.Metadata;
        Assert.Equal(metadata.KMin, info.GetProperty("minWaitK").GetInt32());
        Assert.Equal(metadata.KMax, info.GetProperty("maxWaitK").GetInt32());
        Assert.Equal(server.Model.DefaultWaitK, info.GetProperty("defaultWaitK").GetInt32());
        Assert.False(info.GetProperty("limits").GetProperty("apiKeyRequired").GetBoolean());
        Assert.True(info.GetProperty("ready").GetBoolean());

        using var notUpgraded = await http.GetAsync("/ws/translate");
        Assert.Equal(HttpStatusCode.BadRequest, notUpgraded.StatusCode);

        using var onMetricsPort = await http.GetAsync($"http://127.0.0.1:{server.MetricsPort}/");
        Assert.Equal(HttpStatusCode.NotFound, onMetricsPort.StatusCode);
        using var metricsOnWebPort = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, metricsOnWebPort.StatusCode);
    }

    [Fact]
    public async Task WithApiKeysTheFirstMessageMustCarryAKnownKey()
    {
        const string key = "web-demo-test-key-0123456789";
        await using var keyed = new KestrelServerFactory(WholeStreamServer.With(new Dictionary<string, string>
        {
            ["Auth:ApiKeys:0:Name"] = "browser",
            ["Auth:ApiKeys:0:Key"] = key,
        }));
        using var http = new HttpClient { BaseAddress = keyed.WebAddress, Timeout = TestTimeouts.Short };
        var info = JsonDocument.Parse(await http.GetStringAsync("/api/model-info")).RootElement;
        Assert.True(info.GetProperty("limits").GetProperty("apiKeyRequired").GetBoolean());

        foreach (var presented in new[] { null, "not-the-key-but-long-enough" })
        {
            await using var refused = await TranslateSocket.ConnectAsync(keyed.WebAddress);
            await refused.SendConfigAsync(K, apiKey: presented);
            await AssertEndsWithAsync(refused, "UNAUTHENTICATED", presented is null ? "no API key" : "an unknown API key", WebSocketCloseStatus.PolicyViolation);
        }

        var golden = GoldenSet.Load(keyed.BundlePath)[0];
        await using var ws = await TranslateSocket.ConnectAsync(keyed.WebAddress);
        await ws.SendConfigAsync(K, apiKey: key);
        await ws.SendAudioAsync(WavLoader.Load(golden.WavPath));
        await ws.SendEndAsync();
        var messages = await ws.ReadUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        Assert.Equal(golden.Decode(K).Tokens, TokenIds(messages));
        await TestTimeouts.WaitUntilAsync(() => keyed.IsDrained, TestTimeouts.Short, "the keyed server's streams ended");
        Assert.Empty(keyed.Logs.ErrorsSince(0));
        Assert.DoesNotContain(keyed.Logs.EventsSince(0), e => e.RenderMessage().Contains(key, StringComparison.Ordinal));
    }

    private static IEnumerable<int> TokenIds(IEnumerable<JsonElement> messages)
        => messages.Where(m => m.TryGetProperty("result", out _))
            .SelectMany(m => m.GetProperty("result").TryGetProperty("tokens", out var t) ? t.EnumerateArray().Select(x => x.GetProperty("id").GetInt32()) : []);

    private static async Task AssertEndsWithAsync(TranslateSocket ws, string code, string expected, WebSocketCloseStatus closeStatus)
    {
        var messages = await ws.ReadUntilClosedAsync();
        AssertError(Assert.Single(messages), code, expected);
        Assert.Equal(closeStatus, ws.CloseStatus);
        Assert.Equal(code, ws.CloseDescription);
    }

    private static void AssertError(JsonElement message, string code, string expected)
    {
        var error = message.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The slot is free and a new stream is served as usual.</summary>
    private async Task AssertStillServesAsync()
    {
        await TestTimeouts.WaitUntilAsync(() => server.IsDrained, TestTimeouts.Short, "the failed stream freed its slot and session");
        var golden = GoldenSet.Load(server.BundlePath)[1];
        await using var ws = await TranslateSocket.ConnectAsync(server.WebAddress);
        await ws.SendConfigAsync(K);
        await ws.SendAudioAsync(WavLoader.Load(golden.WavPath));
        await ws.SendEndAsync();
        var messages = await ws.ReadUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        Assert.Equal(golden.Decode(K).Tokens, TokenIds(messages));
    }
}

/// <summary>The demo from another machine: browsers need HTTPS there (getUserMedia wants a secure context), so wss://.</summary>
[Collection(ServerCollection.Name)]
public sealed class WebDemoTlsTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("leapformer-web-tls-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    public static TheoryData<bool> Layouts => new() { false, true };

    /// <param name="onePort">true: one Http1AndHttp2 TLS endpoint serves gRPC and the demo (Web:Url empty); false: an https Web:Url of its own.</param>
    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task ThePageAndTheWebSocketWorkOverTls(bool onePort)
    {
        using var certificate = TlsTests.SelfSigned();
        var pfx = Path.Combine(_scratch, "server.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "test-password"));
        var webPort = KestrelServerFactory.FreePort();
        var settings = onePort
            ? new Dictionary<string, string>
            {
                ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http1AndHttp2",
                ["Kestrel:Endpoints:Grpc:Certificate:Path"] = pfx,
                ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "test-password",
                ["Web:Url"] = "",
            }
            : new Dictionary<string, string>
            {
                ["Web:Url"] = $"https://127.0.0.1:{webPort}",
                ["Kestrel:Endpoints:Web:Certificate:Path"] = pfx,
                ["Kestrel:Endpoints:Web:Certificate:Password"] = "test-password",
            };
        var thumbprint = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        bool Trusted(System.Security.Cryptography.X509Certificates.X509Certificate? cert)
            => cert is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(cert)
                .GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == thumbprint;
        await using var server = new KestrelServerFactory(settings, () => new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => Trusted(cert) },
        });
        var address = onePort ? server.GrpcAddress : new Uri($"https://127.0.0.1:{webPort}/");
        Assert.Contains(server.Addresses, a => new Uri(a).Port == address.Port && a.StartsWith("https:", StringComparison.Ordinal));

        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => Trusted(cert) } })
        {
            BaseAddress = address,
            Timeout = TestTimeouts.Short,
        };
        Assert.Contains("app.js", await http.GetStringAsync("/"), StringComparison.Ordinal);

        var golden = GoldenSet.Load(server.BundlePath)[0];
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => Trusted(cert);
        await socket.ConnectAsync(new UriBuilder(address) { Scheme = "wss", Path = "/ws/translate" }.Uri, CancellationToken.None).WaitAsync(TestTimeouts.Short);
        await socket.SendAsync("{\"config\": {\"encoding\": \"LINEAR16\", \"sampleRateHertz\": 16000, \"waitK\": 3}}"u8.ToArray(), WebSocketMessageType.Text, true, default);
        var audio = WavLoader.Load(golden.WavPath);
        await socket.SendAsync(audio.Linear16(0, audio.Samples.Length), WebSocketMessageType.Binary, true, default);
        await socket.SendAsync("{\"end\": true}"u8.ToArray(), WebSocketMessageType.Text, true, default);
        var buffer = new byte[1 << 20];
        string? finalText = null;
        using var timeout = new CancellationTokenSource(TestTimeouts.Stream);
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            Assert.True(received.EndOfMessage);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var message = JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement;
            if (message.TryGetProperty("result", out var result) && result.TryGetProperty("isFinal", out var isFinal) && isFinal.GetBoolean())
            {
                finalText = result.GetProperty("text").GetString();
            }
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        if (onePort)
        {
            // gRPC on the same port: ALPN picks h2 for it.
            using var channel = server.CreateChannel();
            var grpc = await server.CreateClient(channel).TranslateAsync(audio, new TranslateOptions(WaitK: 3, RealTime: false)).WaitAsync(TestTimeouts.Stream);
            Assert.Equal(grpc.Segments[0].Text, finalText);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(finalText));
        }

        await TestTimeouts.WaitUntilAsync(() => server.IsDrained, TestTimeouts.Short, "the streams ended");
        Assert.Empty(server.Logs.ErrorsSince(0));
    }
}
