using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using GrpcTranslator = LeaPformer.Contracts.V1.Translator;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// The limits the server puts on one stream: duration, idle time, a client that does not read.
/// Each ends that stream with its status, frees its slot and session, and leaves the server serving.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class LimitTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly GoldenUtterance _utterance = GoldenSet.Load(BundleLocator.Find())[0];

    [Fact]
    public async Task AStreamPastMaxStreamDurationIsFinalizedThenOutOfRange()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:MaxStreamDuration"] = "00:00:01.500" });
        using var channel = factory.CreateChannel();
        var audio = WavLoader.Load(_utterance.WavPath);
        var clock = Stopwatch.StartNew();

        // Real-time pace, looping the WAV, far longer than the limit.
        var (responses, error) = await RawStream.PacedAsync(channel, audio, TimeSpan.FromSeconds(20)).WaitAsync(TestTimeouts.Stream);

        Assert.Equal(StatusCode.OutOfRange, error?.StatusCode);
        Assert.Contains("Streaming:MaxStreamDuration", error!.Status.Detail);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(15));
        var final = Assert.Single(responses, r => r.Result?.IsFinal == true);
        Assert.Equal(SpeechEventType.EndOfSegment, responses[^1].SpeechEventType);
        Assert.InRange(final.Result.Tokens.Count + responses.Where(r => r.Result is { IsFinal: false }).Sum(r => r.Result.Tokens.Count), 1, int.MaxValue);
        await AssertFreedAndServingAsync(factory, channel);
    }

    [Fact]
    public async Task AnIdleClientIsFinalizedThenDeadlineExceededAndEmptyChunksDoNotKeepItAlive()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:IdleTimeout"] = "00:00:01" });
        using var channel = factory.CreateChannel();
        using var call = new GrpcTranslator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var reading = RawStream.ReadAllAsync(call);
        var clock = Stopwatch.StartNew();

        await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3));
        foreach (var chunk in RawStream.Chunks(WavLoader.Load(_utterance.WavPath)))
        {
            // Speech: the segment is still open when the idle clock runs out (silence alone opens none).
            await call.RequestStream.WriteAsync(chunk);
        }

        try
        {
            // Empty messages every 200 ms: no audio, so the idle clock keeps running.
            while (!reading.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await call.RequestStream.WriteAsync(RawStream.Audio([]));
                await Task.Delay(200);
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            // the server ended the call
        }

        var (responses, error) = await reading.WaitAsync(TestTimeouts.Short);
        Assert.Equal(StatusCode.DeadlineExceeded, error?.StatusCode);
        Assert.Contains("Streaming:IdleTimeout", error!.Status.Detail);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        Assert.Single(responses, r => r.Result?.IsFinal == true);
        Assert.Equal(SpeechEventType.EndOfSegment, responses[^1].SpeechEventType);
        await AssertFreedAndServingAsync(factory, channel);
    }

    [Fact]
    public async Task AnIdleClientBeforeConfigGetsDeadlineExceeded()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Streaming:IdleTimeout"] = "00:00:01" });
        using var channel = factory.CreateChannel();
        using var call = new GrpcTranslator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);

        var (responses, error) = await RawStream.ReadAllAsync(call).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.DeadlineExceeded, error?.StatusCode);
        Assert.Empty(responses);
        await AssertFreedAndServingAsync(factory, channel);
    }

    [Fact]
    public async Task AClientThatNeverReadsIsResourceExhaustedAndItsSessionFreed()
    {
        // Real sockets: HTTP/2 flow control is what stops the server's writes.
        await using var factory = new KestrelServerFactory(new Dictionary<string, string>
        {
            ["Streaming:ResponseBufferSize"] = "4",
            ["Streaming:ResponseStallTimeout"] = "00:00:02",
        });
        using var channel = factory.CreateChannel();
        // This utterance makes the test bundles write a token every source unit: the responses
        // (each carries the whole text so far) soon fill the HTTP/2 windows.
        var audio = WavLoader.Load(GoldenSet.Load(factory.BundlePath)[1].WavPath);
        var alone = await StreamSignature.AloneAsync(factory, _utterance, 3);
        using var call = new GrpcTranslator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var clock = Stopwatch.StartNew();

        // Audio as fast as the server takes it, never reading a response.
        var sentSeconds = 0.0;
        Task? lastWrite = null;
        try
        {
            await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3));
            await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 1, TestTimeouts.Short, "the server took the stream");
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && factory.Limiter.Active > 0)
            {
                for (var start = 0; start < audio.Samples.Length && factory.Limiter.Active > 0; start += 1600)
                {
                    // A write the server does not take within a second: it stopped reading our audio.
                    lastWrite = call.RequestStream.WriteAsync(RawStream.Audio(audio.Linear16(start, Math.Min(1600, audio.Samples.Length - start))));
                    await lastWrite.WaitAsync(TimeSpan.FromSeconds(1));
                }

                sentSeconds += audio.DurationMs / 1000;
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException or TimeoutException)
        {
            // the server ended the call, or is slower than we send, or stopped reading our audio
        }

        // A stalled stream is freed within ResponseStallTimeout (2 s) of its stuck write.
        var waited = Stopwatch.StartNew();
        while ((factory.Limiter.Active > 0 || factory.Metrics.ActiveSessions > 0) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        if (factory.Limiter.Active > 0)
        {
            if (lastWrite is not null)
            {
                await lastWrite.WaitAsync(TestTimeouts.Stream);
            }

            await NoStallPossibleAsync(factory, call, sentSeconds);
            return;
        }

        await TestTimeouts.WaitUntilAsync(() => factory.IsDrained, TestTimeouts.Short,
            "the server freed the stream's slot and session");

        // What was buffered still arrives, then the status.
        var responses = new List<StreamingTranslateResponse>();
        RpcException? error = null;
        using var reading = new CancellationTokenSource(TestTimeouts.Short);
        try
        {
            while (await call.ResponseStream.MoveNext(reading.Token))
            {
                responses.Add(call.ResponseStream.Current);
            }
        }
        catch (RpcException ex) when (!reading.IsCancellationRequested)
        {
            error = ex;
        }
        catch (Exception ex)
        {
            Assert.Fail($"after {responses.Count} responses: {ex.GetType().Name} {ex.Message}\n{LogCapture.Describe(factory.Logs.EventsSince(0))}");
        }

        Assert.True(error?.StatusCode == StatusCode.ResourceExhausted,
            $"after {responses.Count} responses: {error}\n{LogCapture.Describe(factory.Logs.EventsSince(0))}");
        Assert.Contains("Streaming:ResponseStallTimeout", error!.Status.Detail);
        Assert.NotEmpty(responses);

        // Other clients are served as usual. (Not on this client's connection: its unread stream
        // may have used up the HTTP/2 connection window that all of the connection's streams share.)
        using (var other = factory.CreateChannel())
        {
            Assert.Equal(alone, await OutcomeAsync(factory, other));
        }

        output.WriteLine($"slow reader: cut after {clock.Elapsed.TotalSeconds:0.0} s, {sentSeconds:0} s of audio sent, {responses.Count} responses buffered");
        using var fresh = factory.CreateChannel();
        await AssertFreedAndServingAsync(factory, fresh);
    }

    /// <summary>
    /// A trained bundle stops writing after a sentence until the input ends (one segment per stream
    /// until src/Streaming segments): its responses never fill the HTTP/2 windows (64 KiB the client
    /// grants, 64 KiB Kestrel buffers), so nothing can stall. Then the stream must end normally once
    /// the client half-closes and reads, with everything intact.
    /// </summary>
    private async Task NoStallPossibleAsync(
        TranslationServerFactory factory, AsyncDuplexStreamingCall<StreamingTranslateRequest, StreamingTranslateResponse> call, double sentSeconds)
    {
        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Short);
        var (responses, error) = await RawStream.ReadAllAsync(call).WaitAsync(TestTimeouts.Stream);
        var bytes = responses.Sum(r => r.CalculateSize());
        output.WriteLine($"slow reader: this bundle wrote {responses.Count} responses ({bytes} bytes) for {sentSeconds:0} s of audio: " +
            "too little to fill the HTTP/2 windows, so the stall path was not reached (it is with a bundle that keeps writing)");
        Assert.Null(error);
        Assert.True(bytes < 128 * 1024, $"{bytes} bytes of responses never stalled");
        Assert.Single(responses, r => r.Result?.IsFinal == true);
        using var channel = factory.CreateChannel();
        await AssertFreedAndServingAsync(factory, channel);
    }

    private static async Task<StreamSignature> OutcomeAsync(TranslationServerFactory factory, GrpcChannel channel)
    {
        var utterance = GoldenSet.Load(factory.BundlePath)[0];
        var outcome = await factory.CreateClient(channel)
            .TranslateAsync(WavLoader.Load(utterance.WavPath), new LeaPformer.Client.Streaming.TranslateOptions(WaitK: 3, RealTime: false))
            .WaitAsync(TestTimeouts.Stream);
        return StreamSignature.Of(outcome);
    }

    private static async Task AssertFreedAndServingAsync(TranslationServerFactory factory, GrpcChannel channel)
    {
        await TestTimeouts.WaitUntilAsync(() => factory.IsDrained, TestTimeouts.Short,
            "the stream's slot and session are free");
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, await factory.HealthAsync(channel));
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }
}
