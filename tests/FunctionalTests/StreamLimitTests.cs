using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>Streams past Streaming:MaxConcurrentStreams get RESOURCE_EXHAUSTED; the streams being served are unaffected.</summary>
[Collection(ServerCollection.Name)]
public sealed class StreamLimitTests
{
    [Fact]
    public async Task AStreamPastTheLimitIsResourceExhausted()
    {
        // Endpointing off: the streams are compared with the whole-WAV golden decodes (WholeStreamServer).
        await using var factory = new TranslationServerFactory(WholeStreamServer.With(new Dictionary<string, string> { ["Streaming:MaxConcurrentStreams"] = "2" }));
        using var channel = factory.CreateChannel();
        var client = new Translator.TranslatorClient(channel);
        var utterance = GoldenSet.Load(factory.BundlePath)[0];
        var audio = WavLoader.Load(utterance.WavPath);
        var mark = factory.Logs.Mark;

        // Two streams hold both slots: config sent, audio held back until the third was refused.
        using var first = client.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        using var second = client.StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        foreach (var call in new[] { first, second })
        {
            await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3)).WaitAsync(TestTimeouts.Short);
        }

        await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 2, TestTimeouts.Short, "both streams hold a slot");

        var (_, error) = await RawStream.RunAsync(channel, RawStream.Config(), RawStream.Silence(100)).WaitAsync(TestTimeouts.Stream);
        Assert.NotNull(error);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);

        foreach (var call in new[] { first, second })
        {
            var tokens = await FinishAsync(call, audio).WaitAsync(TestTimeouts.Stream);
            Assert.Equal(utterance.Decode(3).Tokens, tokens);
        }

        await TestTimeouts.WaitUntilAsync(() => factory.Limiter.Active == 0, TestTimeouts.Short, "the slots are free again");
        var (responses, again) = await RawStream.RunAsync(channel, RawStream.Config(), RawStream.Silence(500)).WaitAsync(TestTimeouts.Stream);
        Assert.Null(again);
        Assert.Contains(responses, r => r.Result?.IsFinal == true);
        Assert.Empty(factory.Logs.ErrorsSince(mark));
    }

    private static async Task<List<int>> FinishAsync(AsyncDuplexStreamingCall<StreamingTranslateRequest, StreamingTranslateResponse> call, PcmAudio audio)
    {
        var reading = Task.Run(async () =>
        {
            var ids = new List<int>();
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                ids.AddRange(response.Result?.Tokens.Select(t => t.Id) ?? []);
            }

            return ids;
        });
        const int chunk = 1600; // 100 ms at 16 kHz
        for (var start = 0; start < audio.Samples.Length; start += chunk)
        {
            var bytes = audio.Linear16(start, Math.Min(chunk, audio.Samples.Length - start));
            await call.RequestStream.WriteAsync(RawStream.Audio(bytes));
        }

        await call.RequestStream.CompleteAsync();
        return await reading;
    }
}
