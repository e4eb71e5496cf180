using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// A human recording (tests/Fixtures/RealSpeech: rhasspy/dataset-voice-cathy, CC0) with its peak at -3 dBFS
/// and at -45 dBFS, a quiet laptop microphone's level, through the server at its defaults (endpointing on):
/// both give a segment with output, cut at the same place. With the old fixed -40 dBFS threshold the quiet
/// one gave nothing at all.
/// </summary>
public sealed class QuietSpeechTests(SharedServer server, ITestOutputHelper output) : ServerTest(server)
{
    private static readonly string Loud = Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealSpeech", "cathy-a0007-peak-3dbfs.wav");
    private static readonly string Quiet = Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealSpeech", "cathy-a0007-peak-45dbfs.wav");

    [Fact]
    public async Task TheSameRecordingAtMinus45AndMinus3DbfsGivesOutput()
    {
        var loud = await SegmentsAsync(Channel, Loud);
        var quiet = await SegmentsAsync(Channel, Quiet);

        foreach (var segments in new[] { loud, quiet })
        {
            // One segment, ended mid-stream by the pause after the speech, with tokens.
            var segment = Assert.Single(segments);
            Assert.True(segment.IsFinal && segment.EndEventFollows);
            Assert.Equal(SegmentEndReason.TrailingSilence, segment.EndReason);
            Assert.NotEmpty(segment.Tokens);
        }

        // Heard from the same place: the speech starts 1000 ms in; at most the leading padding (200 ms) before it.
        Assert.InRange(loud[0].StartMs, 800, 1100);
        Assert.InRange(quiet[0].StartMs - loud[0].StartMs, -80, 80);
    }

    [Fact]
    public async Task TheOldFixedThresholdHeardNothingOfTheQuietOne()
    {
        await using var old = new TranslationServerFactory(new Dictionary<string, string>
        {
            ["Endpointing:Detector"] = "energy",
            ["Endpointing:SpeechThresholdDbfs"] = "-40",
            ["Endpointing:SpeechRangeDb"] = "",
        });
        using var channel = old.CreateChannel();

        Assert.Empty(await SegmentsAsync(channel, Quiet));
        Assert.NotEmpty(Assert.Single(await SegmentsAsync(channel, Loud)).Tokens);
        await TestTimeouts.WaitUntilAsync(() => old.IsDrained, TestTimeouts.Short, "every stream ended");
    }

    /// <summary>1 s of silence, the recording, 2 s of silence, in 100 ms LINEAR16 messages at the model's default k.</summary>
    private async Task<List<WireSegment>> SegmentsAsync(Grpc.Net.Client.GrpcChannel channel, string wav)
    {
        var stream = TestPcm.Concat(TestPcm.Silence(1000), WavLoader.Load(wav), TestPcm.Silence(2000));
        var (responses, error) = await RawStream.RunAsync(channel, [RawStream.Config(), .. RawStream.Chunks(stream)]);
        Assert.Null(error);
        var segments = WireSegment.Split(responses);
        foreach (var final in responses.Where(r => r.Result is { IsFinal: true }).Select(r => r.Result))
        {
            output.WriteLine($"{Path.GetFileName(wav)}: segment {final.SegmentIndex} at {final.SegmentStartMs} ms, {final.EndReason}: {final.Text}");
        }

        return segments;
    }
}
