using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>How streams end: half-close, single utterance, client cancellation (limits: LimitTests; shutdown: ShutdownTests).</summary>
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
}
