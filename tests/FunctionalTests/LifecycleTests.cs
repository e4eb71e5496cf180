using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Streaming;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using GrpcTranslator = LeaPformer.Contracts.V1.Translator;

namespace LeaPformer.FunctionalTests;

/// <summary>How streams end: half-close, single utterance, client cancellation, idle client.</summary>
public sealed class LifecycleTests(SharedServer server) : ServerTest(server)
{
    [Fact]
    public async Task SingleUtteranceEndsWithItsEvent()
    {
        var outcome = await TranslateAsync(WavLoader.Load(Golden[0].WavPath), new TranslateOptions(RealTime: false, SingleUtterance: true));

        Assert.Equal([SpeechEventType.EndOfSegment, SpeechEventType.EndOfSingleUtterance], outcome.Events);
        Assert.True(outcome.Segments.Single().IsFinal);
        Assert.Equal(SpeechEventType.EndOfSingleUtterance, outcome.Responses[^1].SpeechEventType);
    }

    [Fact]
    public async Task TheFinalResultPrecedesEndOfSegment()
    {
        var outcome = await TranslateAsync(WavLoader.Load(Golden[1].WavPath), new TranslateOptions(RealTime: false));

        Assert.Equal(SpeechEventType.EndOfSegment, outcome.Responses[^1].SpeechEventType);
        Assert.True(outcome.Responses[^2].Result.IsFinal);
        Assert.Single(outcome.Responses, r => r.Result?.IsFinal == true);
    }

    [Fact]
    public async Task ClientCancellationEndsTheStreamAndFreesItsSlot()
    {
        using var cancel = new CancellationTokenSource();
        var audio = WavLoader.Load(Golden[0].WavPath);
        var stream = Client.TranslateAsync(audio, new TranslateOptions(RealTime: true), cancellationToken: cancel.Token);

        await TestTimeouts.WaitUntilAsync(() => Server.Limiter.Active == 1, TestTimeouts.Short, "the stream holds a slot");
        await Task.Delay(300); // some audio in flight
        await cancel.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => stream.WaitAsync(TestTimeouts.Stream));
        Assert.True(error is OperationCanceledException || error is RpcException { StatusCode: StatusCode.Cancelled }, error.ToString());
        await TestTimeouts.WaitUntilAsync(() => Server.Limiter.Active == 0, TestTimeouts.Short, "the server released the slot");
    }

    [Fact]
    public async Task ServerShutdownEndsStreamsWithUnavailable()
    {
        await using var factory = new TranslationServerFactory();
        using var channel = factory.CreateChannel();
        var stream = factory.CreateClient(channel).TranslateAsync(WavLoader.Load(Golden[0].WavPath), new TranslateOptions(RealTime: true));
        await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 1, TestTimeouts.Short, "the stream holds a slot");

        factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var error = await Assert.ThrowsAsync<RpcException>(() => stream.WaitAsync(TestTimeouts.Stream));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }

    [Fact]
    public async Task AnIdleClientGetsDeadlineExceeded()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:IdleTimeout"] = "00:00:01" });
        using var channel = factory.CreateChannel();
        var client = new GrpcTranslator.TranslatorClient(channel);
        using var call = client.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);

        await call.RequestStream.WriteAsync(RawStream.Config()).WaitAsync(TestTimeouts.Short);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
            }
        }).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 0, TestTimeouts.Short, "the idle stream's slot is free");
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }
}
