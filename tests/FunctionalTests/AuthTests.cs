using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>API keys (Auth:ApiKeys): UNAUTHENTICATED without a known key, per-key stream limits, keys never logged.</summary>
[Collection(ServerCollection.Name)]
public sealed class AuthTests : IAsyncLifetime
{
    private const string AliceKey = "alice-0123456789abcdef-secret";
    private const string BobKey = "bob-fedcba9876543210-secret";

    // Endpointing off: AKnownKeyIsServed compares a whole stream with its whole-WAV golden decode.
    private readonly TranslationServerFactory _factory = new(WholeStreamServer.With(new Dictionary<string, string>
    {
        ["Auth:ApiKeys:0:Name"] = "alice",
        ["Auth:ApiKeys:0:Key"] = AliceKey,
        ["Auth:ApiKeys:0:MaxStreams"] = "1",
        ["Auth:ApiKeys:1:Name"] = "bob",
        ["Auth:ApiKeys:1:Key"] = BobKey,
    }));

    private Grpc.Net.Client.GrpcChannel _channel = null!;

    public Task InitializeAsync()
    {
        _channel = _factory.CreateChannel();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await TestTimeouts.WaitUntilAsync(() => _factory.Limiter.Active == 0, TestTimeouts.Short, "every stream ended");
        var everything = string.Join('\n', _factory.Logs.EventsSince(0).Select(e => $"{e.RenderMessage()} {string.Join(' ', e.Properties)}"));
        Assert.DoesNotContain(AliceKey, everything);
        Assert.DoesNotContain(BobKey, everything);
        Assert.Empty(_factory.Logs.ErrorsSince(0));
        _channel.Dispose();
        await _factory.DisposeAsync();
    }

    public static TheoryData<string, string?> Rejected => new()
    {
        { "no metadata", null },
        { "authorization", "Bearer not-a-key-of-this-server" },
        { "authorization", $"Basic {AliceKey}" },
        { "authorization", "Bearer " },
        { "x-api-key", AliceKey[..^1] },
        { "x-api-key", AliceKey + "x" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task AMissingOrWrongKeyIsUnauthenticated(string header, string? value)
    {
        var headers = value is null ? new Metadata() : new Metadata { { header, value } };
        var client = new Translator.TranslatorClient(_channel);

        var info = await Assert.ThrowsAsync<RpcException>(() => client.GetModelInfoAsync(new GetModelInfoRequest(), headers).ResponseAsync);
        using var call = client.StreamingTranslate(headers, DateTime.UtcNow + TestTimeouts.Stream);
        var (_, error) = await RawStream.ReadAllAsync(call).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.Unauthenticated, info.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, error?.StatusCode);
        Assert.Contains("x-api-key", error!.Status.Detail);
    }

    [Theory]
    [InlineData("authorization", "Bearer " + AliceKey)]
    [InlineData("authorization", "bearer " + BobKey)]
    [InlineData("x-api-key", AliceKey)]
    public async Task AKnownKeyIsServed(string header, string value)
    {
        var client = new StreamingTranslationClient(new Translator.TranslatorClient(
            _channel.Intercept(metadata => { metadata.Add(header, value); return metadata; })));
        var utterance = GoldenSet.Load(_factory.BundlePath)[0];

        var info = await client.GetModelInfoAsync(TestTimeouts.Short);
        var outcome = await client.TranslateAsync(WavLoader.Load(utterance.WavPath), new TranslateOptions(WaitK: 3, RealTime: false))
            .WaitAsync(TestTimeouts.Stream);

        Assert.True(info.Limits.ApiKeyRequired);
        Assert.Equal(utterance.Decode(3).Tokens, outcome.Tokens.Select(t => t.Id));
        // The server logs the stream's end after the client has its status: wait for the line, don't race it.
        await TestTimeouts.WaitUntilAsync(
            () => _factory.Logs.EventsSince(0).Any(e => e.Properties.TryGetValue("ApiKey", out var name) && name.ToString() is "\"alice\"" or "\"bob\""),
            TestTimeouts.Short,
            "a log line carrying the key's name");
    }

    [Fact]
    public async Task AKeyPastItsMaxStreamsIsResourceExhaustedAndOtherKeysAreNot()
    {
        var alice = new Translator.TranslatorClient(_channel.Intercept(m => { m.Add("x-api-key", AliceKey); return m; }));
        var bob = new Translator.TranslatorClient(_channel.Intercept(m => { m.Add("x-api-key", BobKey); return m; }));

        using var held = alice.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        await held.RequestStream.WriteAsync(RawStream.Config());
        await TestTimeouts.WaitUntilAsync(() => _factory.Limiter.Active == 1, TestTimeouts.Short, "alice holds a stream");

        using var second = alice.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var (_, refused) = await RawStream.ReadAllAsync(second).WaitAsync(TestTimeouts.Short);
        Assert.Equal(StatusCode.ResourceExhausted, refused?.StatusCode);
        Assert.Contains("alice", refused!.Status.Detail);

        using var bobs = bob.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        await bobs.RequestStream.WriteAsync(RawStream.Config());
        foreach (var chunk in RawStream.Chunks(WavLoader.Load(GoldenSet.Load(_factory.BundlePath)[0].WavPath)))
        {
            await bobs.RequestStream.WriteAsync(chunk);
        }

        await bobs.RequestStream.CompleteAsync();
        var (bobResponses, bobError) = await RawStream.ReadAllAsync(bobs).WaitAsync(TestTimeouts.Stream);
        Assert.Null(bobError);
        Assert.Contains(bobResponses, r => r.Result?.IsFinal == true);

        // Alice's slot comes back when her stream ends.
        await held.RequestStream.CompleteAsync();
        var (_, heldError) = await RawStream.ReadAllAsync(held).WaitAsync(TestTimeouts.Stream);
        Assert.Null(heldError);
        using var third = alice.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        await third.RequestStream.WriteAsync(RawStream.Config());
        await third.RequestStream.CompleteAsync();
        Assert.Null((await RawStream.ReadAllAsync(third).WaitAsync(TestTimeouts.Stream)).Error);
    }

    [Fact]
    public async Task HealthNeedsNoKey()
    {
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await _factory.HealthAsync(_channel));
    }
}
