using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Segments over gRPC: each pause ends a segment mid-stream (its final result, then END_OF_SEGMENT, then
/// the next segment with the next index, decoded from fresh states); single_utterance ends the stream
/// after the first one.
/// </summary>
public sealed class EndpointingTests(SharedServer server) : ServerTest(server)
{
    /// <summary>
    /// Speech = anything above digital silence, no padding (as the in-process endpoint tests): segments fall
    /// exactly on the golden utterances padded to 10 ms frames.
    /// </summary>
    private static readonly Dictionary<string, string> Exact = new()
    {
        ["Endpointing:Detector"] = "energy", // exact rules of the energy detector
        ["Endpointing:SpeechThresholdDbfs"] = "-119",
        ["Endpointing:NoiseMarginDb"] = "",
        ["Endpointing:LeadingPaddingMs"] = "0",
        ["Endpointing:TrailingPaddingMs"] = "0",
    };

    [Fact]
    public async Task EachPauseEndsASegmentMidStream()
    {
        // 2 s pauses: more than rule 2's 1.2 s after each utterance's own quiet tail.
        using var call = new Translator.TranslatorClient(Channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var responses = new List<StreamingTranslateResponse>();
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                lock (responses)
                {
                    responses.Add(response);
                }
            }
        });
        await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3));
        var onsetsMs = new List<long>(); // each utterance's first sound, in stream ms
        long at = 0;
        for (var i = 0; i < Golden.Count; i++)
        {
            var utterance = WavLoader.Load(Golden[i].WavPath);
            onsetsMs.Add(at * 1000 / TestPcm.SampleRate + TestPcm.FirstSoundMs(utterance));
            foreach (var chunk in RawStream.Chunks(TestPcm.Concat(utterance, TestPcm.Silence(2000))))
            {
                await call.RequestStream.WriteAsync(chunk);
            }

            at += utterance.Samples.Length + 2 * TestPcm.SampleRate;

            // The pause alone ends the segment: its final result and END_OF_SEGMENT arrive before any more audio.
            var ended = i + 1;
            await TestTimeouts.WaitUntilAsync(
                () => { lock (responses) { return responses.Count(r => r.SpeechEventType == SpeechEventType.EndOfSegment) == ended; } },
                TestTimeouts.Stream, $"segment {i} ended while the stream stays open");
        }

        await call.RequestStream.CompleteAsync();
        await reading.WaitAsync(TestTimeouts.Stream);

        var segments = WireSegment.Split(responses);
        Assert.Equal(Golden.Count, segments.Count);
        Assert.Equal(Enumerable.Repeat(SpeechEventType.EndOfSegment, Golden.Count), responses.Where(r => r.Result is null).Select(r => r.SpeechEventType));
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            Assert.True(segment.IsFinal && segment.EndEventFollows, $"segment {i}: a final result, then END_OF_SEGMENT");
            Assert.Equal(i, segment.Index);
            Assert.NotEmpty(segment.Tokens);

            // At most the leading padding (200 ms, and the rest of a 10 ms frame) before the utterance's
            // first sound, and not long after it (the golden WAVs' leading near-silence is 40-600 ms).
            Assert.InRange(segment.StartMs, onsetsMs[i] - 210, onsetsMs[i] + 150);
        }
    }

    [Fact]
    public async Task ExactSegmentsGiveEachUtterancesGoldenTokensWhateverTheChunking()
    {
        await using var factory = new TranslationServerFactory(Exact);
        using var channel = factory.CreateChannel();
        var client = factory.CreateClient(channel);
        var utterances = Golden.Select(g => TestPcm.PadToFrames(WavLoader.Load(g.WavPath))).ToList();
        var stream = TestPcm.Concat([.. utterances.SelectMany(u => new[] { u, TestPcm.Silence(2000) })]);

        var outcomes = new List<TranslationOutcome>();
        foreach (var chunkMs in new[] { 100, 37, 1000 })
        {
            outcomes.Add(await client.TranslateAsync(stream, new TranslateOptions(WaitK: 3, ChunkMs: chunkMs, RealTime: false)).WaitAsync(TestTimeouts.Stream));
        }

        var segments = WireSegment.Split(outcomes[0].Responses);
        Assert.Equal(Golden.Count, segments.Count);
        long offset = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            Assert.True(segments[i].IsFinal && segments[i].EndEventFollows);
            Assert.Equal(i, segments[i].Index);
            Assert.Equal(offset * 1000 / TestPcm.SampleRate, segments[i].StartMs);

            // PyTorch's tokens where padding to whole 10 ms frames added no 40 ms encoder frame...
            if (TestPcm.EncoderFrames(Golden[i].NumSamples) == TestPcm.EncoderFrames(utterances[i].Samples.Length))
            {
                Assert.Equal(Golden[i].Decode(3).Tokens, segments[i].Tokens.Select(t => t.Id));
            }

            // ...and always exactly the tokens and delays of the padded utterance alone.
            var alone = await client.TranslateAsync(utterances[i], new TranslateOptions(WaitK: 3, RealTime: false)).WaitAsync(TestTimeouts.Stream);
            Assert.Equal(StreamSignature.Of(alone).Tokens, segments[i].Signature);
            offset += utterances[i].Samples.Length + 2 * TestPcm.SampleRate;
        }

        foreach (var other in outcomes.Skip(1))
        {
            Assert.Equal(StreamSignature.Of(outcomes[0]), StreamSignature.Of(other));
        }

        await TestTimeouts.WaitUntilAsync(() => factory.IsDrained, TestTimeouts.Short, "every stream ended");
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }

    [Fact]
    public async Task SingleUtteranceEndsAfterTheFirstSegmentWhileTheClientGoesOnSending()
    {
        var first = WavLoader.Load(Golden[0].WavPath);
        var rest = TestPcm.Concat([.. Golden.Skip(1).SelectMany(g => new[] { TestPcm.Silence(2000), WavLoader.Load(g.WavPath) })]);
        var stream = TestPcm.Concat(first, TestPcm.Silence(2000), rest);
        using var call = new Translator.TranslatorClient(Channel).StreamingTranslate(deadline: DateTime.UtcNow + TestTimeouts.Stream);
        var reading = RawStream.ReadAllAsync(call);
        var config = RawStream.Config(waitK: 3);
        config.Config.SingleUtterance = true;
        var audioBefore = Server.Metrics.AudioSeconds.Value;

        try
        {
            await call.RequestStream.WriteAsync(config);
            foreach (var chunk in RawStream.Chunks(stream))
            {
                if (reading.IsCompleted)
                {
                    break;
                }

                await call.RequestStream.WriteAsync(chunk);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            // the server ended the call while we were still sending: expected
        }

        var (responses, error) = await reading.WaitAsync(TestTimeouts.Stream);

        Assert.Null(error); // OK
        Assert.Equal([SpeechEventType.EndOfSegment, SpeechEventType.EndOfSingleUtterance], responses.Where(r => r.Result is null).Select(r => r.SpeechEventType));
        Assert.Equal(SpeechEventType.EndOfSingleUtterance, responses[^1].SpeechEventType);
        var segment = Assert.Single(WireSegment.Split(responses));
        Assert.True(segment.IsFinal && segment.EndEventFollows);
        Assert.Equal(0, segment.Index);

        // The server stopped reading at the endpoint (1.2 s of pause after the utterance's last speech).
        await TestTimeouts.WaitUntilAsync(() => Server.IsDrained, TestTimeouts.Short, "the single-utterance stream ended on the server");
        var audioRead = Server.Metrics.AudioSeconds.Value - audioBefore;
        Assert.InRange(audioRead, first.DurationMs / 1000, first.DurationMs / 1000 + 2);

        // The first utterance's translation: as that utterance alone (whose quiet tail the endpointer trims the same way).
        Assert.Equal((await AloneAsync(Golden[0], 3)).Tokens, segment.Signature);

        // The server is healthy after: a normal stream next gives its output alone.
        Assert.Equal(await AloneAsync(Golden[1], 3), StreamSignature.Of(await TranslateAsync(WavLoader.Load(Golden[1].WavPath), new TranslateOptions(WaitK: 3, RealTime: false))));
    }

    [Fact]
    public async Task SilenceAloneGivesNoSegmentAndEndsOk()
    {
        var (responses, error) = await RawStream.RunAsync(Channel, [RawStream.Config(), .. RawStream.Chunks(TestPcm.Silence(3000))]);

        Assert.Null(error);
        Assert.Empty(responses);
    }
}
