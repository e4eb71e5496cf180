using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Graceful shutdown (SIGTERM = the host's StopAsync): no new streams (UNAVAILABLE), streams in
/// flight keep going for Streaming:ShutdownGracePeriod, then get their final result and UNAVAILABLE.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task StreamsInFlightFinishWithinTheGracePeriodAndTheRestAreFinalized()
    {
        var grace = TimeSpan.FromSeconds(4);
        var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:ShutdownGracePeriod"] = "00:00:04" });
        await using var _ = factory;
        using var channel = factory.CreateChannel();
        var utterance = GoldenSet.Load(factory.BundlePath)[0];
        var audio = WavLoader.Load(utterance.WavPath);
        var alone = await StreamSignature.AloneAsync(factory, utterance, 3);
        var metrics = factory.Metrics;
        var limiter = factory.Limiter;

        // A: a short utterance at real-time pace, ends (half-close) within the grace period.
        var shortStream = factory.CreateClient(channel).TranslateAsync(audio, new TranslateOptions(WaitK: 3, RealTime: true));
        // B: a live stream that would go on for a minute.
        var live = RawStream.PacedAsync(channel, audio, TimeSpan.FromSeconds(60));
        await TestTimeouts.WaitUntilAsync(() => limiter.Active == 2, TestTimeouts.Short, "both streams hold a slot");

        var clock = Stopwatch.StartNew();
        var stopping = factory.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var stopped = Task.Run(() => factory.Host.StopAsync()); // what SIGTERM does
        await TestTimeouts.WaitUntilAsync(() => stopping.IsCancellationRequested, TestTimeouts.Short, "the host is stopping");

        // No new streams; health says NOT_SERVING.
        var (_, refused) = await RawStream.RunAsync(channel, RawStream.Config(), RawStream.Silence(100)).WaitAsync(TestTimeouts.Short);
        Assert.Equal(StatusCode.Unavailable, refused?.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await factory.HealthAsync(channel));

        // A ends normally, with exactly its output alone.
        Assert.Equal(alone, StreamSignature.Of(await shortStream.WaitAsync(TestTimeouts.Stream)));

        // B is finalized at the end of the grace period, then UNAVAILABLE.
        var (responses, error) = await live.WaitAsync(TestTimeouts.Stream);
        Assert.Equal(StatusCode.Unavailable, error?.StatusCode);
        Assert.Contains("shutting down", error!.Status.Detail);
        Assert.InRange(clock.Elapsed, grace - TimeSpan.FromSeconds(0.5), grace + TimeSpan.FromSeconds(5));
        Assert.Single(responses, r => r.Result?.IsFinal == true);
        Assert.Equal(SpeechEventType.EndOfSegment, responses[^1].SpeechEventType);

        await stopped.WaitAsync(TestTimeouts.Stream);
        Assert.Equal(0, limiter.Active);
        Assert.Equal(0, metrics.ActiveSessions);
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }

    [Fact]
    public async Task WithNoStreamsTheHostStopsAtOnce()
    {
        var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:ShutdownGracePeriod"] = "00:00:30" });
        using (var channel = factory.CreateChannel())
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await factory.HealthAsync(channel));
        }

        var clock = Stopwatch.StartNew();
        await factory.Host.StopAsync().WaitAsync(TestTimeouts.Short);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.Empty(factory.Logs.ErrorsSince(0));
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task DuringTheDrainDelayHealthSaysNotServingAndNewStreamsGetASentence()
    {
        var drain = TimeSpan.FromSeconds(2);
        var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:ShutdownDrainDelay"] = "00:00:02" });
        await using var _ = factory;
        using var channel = factory.CreateChannel();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await factory.HealthAsync(channel));

        var clock = Stopwatch.StartNew();
        var stopping = factory.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var stopped = Task.Run(() => factory.Host.StopAsync()); // what SIGTERM does
        await TestTimeouts.WaitUntilAsync(() => stopping.IsCancellationRequested, TestTimeouts.Short, "the host is stopping");

        // With no stream in flight the host still answers for the drain delay: NOT_SERVING, and a sentence for new streams.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await factory.HealthAsync(channel));
        var (_, refused) = await RawStream.RunAsync(channel, RawStream.Config(), RawStream.Silence(100)).WaitAsync(TestTimeouts.Short);
        Assert.Equal(StatusCode.Unavailable, refused?.StatusCode);
        Assert.Contains("shutting down", refused!.Status.Detail, StringComparison.Ordinal);
        Assert.False(stopped.IsCompleted, "the host stopped before the drain delay was over");

        await stopped.WaitAsync(TestTimeouts.Stream);
        Assert.InRange(clock.Elapsed, drain - TimeSpan.FromSeconds(0.1), drain + TimeSpan.FromSeconds(5));
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }
}
