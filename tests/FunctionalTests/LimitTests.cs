using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

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
        using var call = new Translator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
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
        using var call = new Translator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);

        var (responses, error) = await RawStream.ReadAllAsync(call).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.DeadlineExceeded, error?.StatusCode);
        Assert.Empty(responses);
        await AssertFreedAndServingAsync(factory, channel);
    }

    [Fact]
    public async Task AClientThatNeverReadsIsResourceExhaustedAndItsSessionFreedWhileAGoodStreamGoesOn()
    {
        // Real sockets: HTTP/2 flow control is what stops the server's writes.
        await using var factory = new KestrelServerFactory(new Dictionary<string, string>
        {
            ["Streaming:ResponseBufferSize"] = "4",
            ["Streaming:ResponseStallTimeout"] = "00:00:02",
        });
        using var channel = factory.CreateChannel();

        // A live talker: an utterance (which makes demo-small write a token every source unit) and a pause,
        // over and over. Each pause ends a segment (endpointing is on), so responses keep coming and soon
        // fill the HTTP/2 windows of a client that reads none of them (64 KiB it grants, 64 KiB Kestrel buffers).
        var talk = TestPcm.Concat(TestPcm.PadToFrames(WavLoader.Load(GoldenSet.Load(factory.BundlePath)[1].WavPath)), TestPcm.Silence(1300));
        var chunks = RawStream.Chunks(talk);
        var alone = await StreamSignature.AloneAsync(factory, _utterance, 3);

        // Meanwhile, on a connection of its own, good streams one after another until the slow one is cut.
        using var stopGood = new CancellationTokenSource();
        var good = GoodStreamsAsync(factory, stopGood.Token);

        using var call = new Translator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var clock = Stopwatch.StartNew();
        var sentSeconds = 0.0;
        bool Cut() => factory.Logs.EventsSince(0).Any(IsSlowClientCut);
        try
        {
            await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3));
            while (!Cut() && clock.Elapsed < TestTimeouts.Stream)
            {
                foreach (var chunk in chunks)
                {
                    // Once the server stops reading our audio (back-pressure), a write waits until the stream is cut.
                    var write = call.RequestStream.WriteAsync(chunk);
                    while (!write.IsCompleted && !Cut())
                    {
                        await Task.WhenAny(write, Task.Delay(50));
                    }

                    if (!write.IsCompleted)
                    {
                        break;
                    }

                    await write;
                }

                sentSeconds += talk.DurationMs / 1000;
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            // the server ended the call
        }

        // The server cuts the stream ResponseStallTimeout (2 s) after its stuck write, and frees its session at once,
        // though the client has read nothing yet.
        await TestTimeouts.WaitUntilAsync(Cut, TestTimeouts.Stream,
            $"the server ended the slow stream with RESOURCE_EXHAUSTED ({sentSeconds:0} s of audio sent)");
        await stopGood.CancelAsync();
        var goodOutputs = await good.WaitAsync(TestTimeouts.Stream);
        await TestTimeouts.WaitUntilAsync(() => factory.IsDrained, TestTimeouts.Short,
            "the server freed the slow stream's slot and session (the good streams have ended)");

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
        Assert.Contains(responses, r => r.Result?.IsFinal == true);

        // The good streams ran beside it, each with exactly its output alone.
        Assert.NotEmpty(goodOutputs);
        Assert.All(goodOutputs, signature => Assert.Equal(alone, signature));

        output.WriteLine($"slow reader: cut after {clock.Elapsed.TotalSeconds:0.0} s, {sentSeconds:0} s of audio sent, " +
            $"{responses.Count} responses buffered; {goodOutputs.Count} good streams beside it");
        using var fresh = factory.CreateChannel();
        await AssertFreedAndServingAsync(factory, fresh);
    }

    private static bool IsSlowClientCut(Serilog.Events.LogEvent e)
        => e.Properties.TryGetValue("StatusCode", out var code) && code.ToString() == nameof(StatusCode.ResourceExhausted)
            && e.RenderMessage().Contains("Streaming:ResponseStallTimeout", StringComparison.Ordinal);

    /// <summary>Streams the first golden utterance again and again on a connection of its own until <paramref name="stop"/>; returns each output.</summary>
    private static async Task<List<StreamSignature>> GoodStreamsAsync(TranslationServerFactory factory, CancellationToken stop)
    {
        using var channel = factory.CreateChannel();
        var outputs = new List<StreamSignature>();
        do
        {
            outputs.Add(await OutcomeAsync(factory, channel));
        }
        while (!stop.IsCancellationRequested);

        return outputs;
    }

    private static async Task<StreamSignature> OutcomeAsync(TranslationServerFactory factory, GrpcChannel channel)
    {
        var utterance = GoldenSet.Load(factory.BundlePath)[0];
        var outcome = await factory.CreateClient(channel)
            .TranslateAsync(WavLoader.Load(utterance.WavPath), new LeaPformer.Client.Translation.TranslateOptions(WaitK: 3, RealTime: false))
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
