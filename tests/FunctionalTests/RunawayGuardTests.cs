using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// The runaway guard through the real server: input that makes the decoder run away (noise, absurd sample
/// values, audio declared at the wrong rate) ends with bounded output, each segment that the guard ended
/// carrying its reason, counted in /metrics. Endpointing is off (<see cref="WholeStreamServer"/>), so the
/// whole stream reaches the decoder: the worst case.
/// </summary>
/// <remarks>
/// Each input also runs on a server without the guard. Where that one runs away (more tokens than the
/// guard allows, or an n-gram once too often), the guarded output must end segments by the guard; where
/// it does not, the guard must change nothing. So the tests hold for any bundle, and still say whether
/// the guard did its work on this one (the output is written to the test log).
/// </remarks>
public sealed class RunawayGuardTests(WholeStreamServer server, RunawayGuardTests.Unguarded unguarded, ITestOutputHelper output)
    : ServerTest(server), IClassFixture<RunawayGuardTests.Unguarded>
{
    // The defaults of Runaway:* (src/Server/appsettings.json), which WholeStreamServer runs with.
    private const int BaseTokens = 12;
    private const double MaxTokensPerSecond = 8;
    private const int MaxNgramRepeats = 3;
    private const int MaxNgramLength = 4;

    public enum Case
    {
        /// <summary>10 s of random bytes as 16 kHz LINEAR16: full-scale white noise.</summary>
        RandomBytesAsLinear16,

        /// <summary>10 s of uniform FLOAT32 noise a thousand times full scale.</summary>
        Float32Times1e3,

        /// <summary>...a million times full scale.</summary>
        Float32Times1e6,

        /// <summary>...1e30 times full scale (finite, so accepted).</summary>
        Float32Times1e30,

        /// <summary>The real recording ten times over at 8 kHz, declared as 48 kHz: speech six times too fast and high.</summary>
        RealSpeech8kHzDeclared48kHz,

        /// <summary>The golden utterances four times over at 8 kHz, declared as 48 kHz.</summary>
        GoldenSpeech8kHzDeclared48kHz,
    }

    [Theory]
    [InlineData(Case.RandomBytesAsLinear16)]
    [InlineData(Case.Float32Times1e3)]
    [InlineData(Case.Float32Times1e6)]
    [InlineData(Case.Float32Times1e30)]
    [InlineData(Case.RealSpeech8kHzDeclared48kHz)]
    [InlineData(Case.GoldenSpeech8kHzDeclared48kHz)]
    public async Task RunawayInputEndsWithBoundedOutput(Case input)
    {
        var (messages, streamMs) = Input(input);
        var before = await SegmentCountsAsync(Server);

        var (responses, error) = await RawStream.RunAsync(Channel, messages);
        using var freeChannel = unguarded.CreateChannel();
        var (free, freeError) = await RawStream.RunAsync(freeChannel, messages);

        Assert.Null(error);
        Assert.Null(freeError);
        var segments = WireSegment.Split(responses);
        var freeSegments = WireSegment.Split(free);
        Log("guarded", segments, responses);
        Log("unguarded", freeSegments, free);
        Assert.All(segments, s => Assert.True(s.IsFinal && s.EndEventFollows));

        // Each segment holds at most what the rate rule allows for its audio (the last one's runs to the stream's end).
        for (var i = 0; i < segments.Count; i++)
        {
            var seconds = ((i + 1 < segments.Count ? segments[i + 1].StartMs : streamMs) - segments[i].StartMs) / 1000.0;
            Assert.True(segments[i].Tokens.Count <= Math.Floor(BaseTokens + (MaxTokensPerSecond * seconds)),
                $"segment {i}: {segments[i].Tokens.Count} tokens for {seconds:0.00} s");
            Assert.False(RunsAway(segments[i].Tokens.Count, seconds, [.. segments[i].Tokens.Select(t => t.Id)]), $"segment {i} ran away");
        }

        // A segment the guard ended says why, and its tokens show it.
        foreach (var segment in segments.Where(s => s.EndReason == SegmentEndReason.Repetition))
        {
            Assert.True(EndsInRepeats([.. segment.Tokens.Select(t => t.Id)]),
                $"segment {segment.Index} ended by REPETITION, but its tokens do not end in {MaxNgramRepeats} copies of an n-gram and the start of one more");
        }

        foreach (var segment in segments.Where(s => s.EndReason == SegmentEndReason.RunawayTokens))
        {
            // The refused token came with at least as much audio read as the last one committed.
            var readMs = segment.Tokens.Count == 0 ? 0 : segment.Tokens[^1].SourceMs;
            Assert.True(segment.Tokens.Count + 1 > BaseTokens + (MaxTokensPerSecond * readMs / 1000.0),
                $"segment {segment.Index} ended by RUNAWAY_TOKENS with {segment.Tokens.Count} tokens, under the limit at {readMs} ms");
        }

        var guardEnded = segments.Count(s => s.EndReason is SegmentEndReason.RunawayTokens or SegmentEndReason.Repetition);
        var ranAway = freeSegments.Any(s => RunsAway(s.Tokens.Count, (streamMs - s.StartMs) / 1000.0, [.. s.Tokens.Select(t => t.Id)]));
        if (ranAway)
        {
            Assert.True(guardEnded > 0, "the server without the guard ran away on this input; the guarded one must end a segment by the guard");

            // Up to where the guard fired, the decoder is the same: the first segment is a prefix of the unguarded output.
            var first = segments[0].Tokens.Select(t => (t.Id, t.SourceMs)).ToList();
            Assert.Equal(first, freeSegments[0].Tokens.Take(first.Count).Select(t => (t.Id, t.SourceMs)));
        }
        else
        {
            Assert.Equal(0, guardEnded);
            Assert.Equal(freeSegments.Select(s => s.Signature), segments.Select(s => s.Signature));
        }

        // Counted by reason in /metrics.
        var after = await SegmentCountsAsync(Server);
        foreach (var (reason, label) in new[] { (SegmentEndReason.RunawayTokens, "runaway_tokens"), (SegmentEndReason.Repetition, "repetition") })
        {
            Assert.Equal(segments.Count(s => s.EndReason == reason), after.GetValueOrDefault(label) - before.GetValueOrDefault(label));
        }
    }

    /// <summary>Whether a segment's tokens break a rule at any point: a count over the limit for its whole audio, or one n-gram repeated once too often.</summary>
    private static bool RunsAway(int count, double seconds, int[] ids)
    {
        if (count > Math.Floor(BaseTokens + (MaxTokensPerSecond * seconds)))
        {
            return true;
        }

        for (var end = 1; end <= ids.Length; end++)
        {
            for (var n = 1; n <= MaxNgramLength && n * (MaxNgramRepeats + 1) <= end; n++)
            {
                if (Periodic(ids.AsSpan(end - (n * (MaxNgramRepeats + 1)), n * (MaxNgramRepeats + 1)), n))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The tokens end in MaxNgramRepeats copies of an n-gram and the first n - 1 tokens of one more (the refused token would have completed it).</summary>
    private static bool EndsInRepeats(int[] ids)
    {
        for (var n = 1; n <= MaxNgramLength; n++)
        {
            var length = (n * MaxNgramRepeats) + n - 1;
            if (length <= ids.Length && Periodic(ids.AsSpan(ids.Length - length), n))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Periodic(ReadOnlySpan<int> ids, int period)
    {
        for (var i = 0; i + period < ids.Length; i++)
        {
            if (ids[i] != ids[i + period])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>leapformer_segments_total by end_reason, scraped from /metrics.</summary>
    private static async Task<Dictionary<string, double>> SegmentCountsAsync(TranslationServerFactory factory)
    {
        using var http = factory.CreateClient();
        var text = await http.GetStringAsync("/metrics").WaitAsync(TestTimeouts.Short);
        return Regex.Matches(text, "^leapformer_segments_total\\{end_reason=\"([a-z_]+)\"\\} (\\S+)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private (StreamingTranslateRequest[] Messages, long StreamMs) Input(Case input)
    {
        var random = new Random(19);
        switch (input)
        {
            case Case.RandomBytesAsLinear16:
            {
                var bytes = new byte[16000 * 2 * 10];
                random.NextBytes(bytes);
                return ([RawStream.Config(), .. Messages(bytes, 3200)], 10_000);
            }

            case Case.RealSpeech8kHzDeclared48kHz or Case.GoldenSpeech8kHzDeclared48kHz:
            {
                var (pieces, copies) = input == Case.RealSpeech8kHzDeclared48kHz
                    ? ([WavLoader.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealSpeech", "cathy-a0007-peak-3dbfs.wav"))], 10)
                    : (Golden.Select(g => WavLoader.Load(g.WavPath)).ToList(), 4);
                var samples = Enumerable.Repeat(pieces, copies).SelectMany(p => p)
                    .SelectMany(p => Resampler.To(p, 8000).Samples.Concat(new short[4000])) // 0.5 s pauses at 8 kHz
                    .ToArray();
                var bytes = new PcmAudio(samples, 8000).Linear16(0, samples.Length);
                return ([RawStream.Config(rate: 48000), .. Messages(bytes, 9600)], samples.Length * 1000L / 48000);
            }

            default:
            {
                var scale = input switch { Case.Float32Times1e3 => 1e3, Case.Float32Times1e6 => 1e6, _ => 1e30 };
                var bytes = new byte[16000 * 4 * 10];
                for (var i = 0; i < bytes.Length; i += 4)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i), (float)(((random.NextDouble() * 2) - 1) * scale));
                }

                return ([RawStream.Config(encoding: AudioEncoding.Float32), .. Messages(bytes, 6400)], 10_000);
            }
        }
    }

    /// <summary>Audio messages of 100 ms at the declared rate.</summary>
    private static IEnumerable<StreamingTranslateRequest> Messages(byte[] bytes, int size) => bytes.Chunk(size).Select(RawStream.Audio);

    private void Log(string server, List<WireSegment> segments, List<StreamingTranslateResponse> responses)
    {
        foreach (var (segment, final) in segments.Zip(responses.Where(r => r.Result is { IsFinal: true }).Select(r => r.Result)))
        {
            output.WriteLine($"{server} #{segment.Index} at {segment.StartMs} ms, {segment.Tokens.Count} tokens, {segment.EndReason}: {final.Text}");
        }
    }

    /// <summary>The server with endpointing off and neither guard rule: what the decoder does left alone.</summary>
    public sealed class Unguarded() : TranslationServerFactory(WholeStreamServer.With(new Dictionary<string, string>
    {
        ["Runaway:MaxTokensPerSecond"] = "",
        ["Runaway:MaxNgramRepeats"] = "",
    }));
}
