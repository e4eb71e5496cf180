using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// One live stream of a long conversation over real gRPC: the golden utterances and pauses, over and
/// over, sent unpaced in 100 ms messages. Segments keep coming to the end, every one final and the same
/// as the first time its utterance came by; the managed heap does not grow with the stream; the session
/// is freed at the end.
/// </summary>
/// <remarks>
/// <see cref="MinutesVariable"/> sets the minutes of audio (default <see cref="DefaultMinutes"/>, so the
/// suite stays quick; an hour: LEAPFORMER_SOAK_MINUTES=60). The heap is sampled after a full GC at
/// <see cref="WarmMinutes"/> minutes of audio and at the end.
/// </remarks>
[Collection(ServerCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    public const string MinutesVariable = "LEAPFORMER_SOAK_MINUTES";

    public const int DefaultMinutes = 15;

    public const int WarmMinutes = 5;

    /// <summary>The heap may end this much above its warm value (whichever is more), for noise: buffers in flight, pools.</summary>
    private const double HeapGrowthRatio = 0.10;

    private const long HeapGrowthBytes = 2 * 1024 * 1024;

    /// <remarks>
    /// With the energy detector every block after the first sees the same history (its noise floor and peak
    /// forget within seconds), so each of its segments must equal the second block's. Silero's recurrent
    /// state carries the whole stream, so a boundary may move by a window from block to block: with it (the
    /// default) the segments are checked for their framing and number, the heap the same way.
    /// </remarks>
    [Theory]
    [InlineData("energy")]
    [InlineData("silero")]
    public async Task AnHourLongStreamKeepsSegmentingWithFlatMemory(string detector)
    {
        var minutes = Minutes();
        await using var factory = new TranslationServerFactory(new Dictionary<string, string>
        {
            // Only warnings and errors in the captured log, so that the log itself does not grow the heap.
            ["Serilog:MinimumLevel:Override:LeaPformer"] = "Warning",
            ["Endpointing:Detector"] = detector,
        });
        var periodic = detector == "energy";
        using var channel = factory.CreateChannel();
        var golden = GoldenSet.Load(factory.BundlePath);

        // One block: each utterance (on the 10 ms frame grid) and a 2 s pause, the last pause stretched so
        // the block is whole 500 ms noise-floor blocks long: every block after the first sees the same history.
        var pieces = golden.SelectMany(g => new[] { TestPcm.PadToFrames(WavLoader.Load(g.WavPath)), TestPcm.Silence(2000) }).ToList();
        var length = pieces.Sum(p => p.Samples.Length);
        pieces.Add(new PcmAudio(new short[(8000 - length % 8000) % 8000], TestPcm.SampleRate));
        var block = TestPcm.Concat([.. pieces]);
        var messages = RawStream.Chunks(block).Select(m => m.AudioContent).ToArray();
        var blockSeconds = block.DurationMs / 1000;
        var blocks = (int)Math.Ceiling(minutes * 60 / blockSeconds);
        var warmBlocks = (int)Math.Ceiling(Math.Min(WarmMinutes, minutes / 2.0) * 60 / blockSeconds);
        var utterancesSent = blocks * golden.Count;

        using var call = new Translator.TranslatorClient(channel).StreamingTranslate(deadline: DateTime.UtcNow + TimeSpan.FromHours(2));
        var check = new SegmentCheck(golden.Count, (long)Math.Round(block.DurationMs), periodic);
        var reading = check.ReadAsync(call.ResponseStream);
        var clock = Stopwatch.StartNew();
        await call.RequestStream.WriteAsync(RawStream.Config(waitK: 3));
        (long Heap, long WorkingSet) warm = default;
        for (var b = 0; b < blocks && !reading.IsCompleted; b++)
        {
            foreach (var audio in messages)
            {
                await call.RequestStream.WriteAsync(new StreamingTranslateRequest { AudioContent = audio });
            }

            if (b + 1 == warmBlocks)
            {
                warm = Measure();
                output.WriteLine($"{(b + 1) * blockSeconds / 60,5:0.0} min of audio sent after {clock.Elapsed.TotalSeconds,6:0.0} s: {Describe(warm)}, {check.Finals} segments so far");
            }
        }

        var end = Measure();
        output.WriteLine($"{blocks * blockSeconds / 60,5:0.0} min of audio sent after {clock.Elapsed.TotalSeconds,6:0.0} s: {Describe(end)}, {check.Finals} segments so far");
        await call.RequestStream.CompleteAsync();
        var error = await reading.WaitAsync(TestTimeouts.Stream);
        var seconds = clock.Elapsed.TotalSeconds;
        await TestTimeouts.WaitUntilAsync(() => factory.IsDrained, TestTimeouts.Short, "the stream ended and its session was freed");
        var after = Measure();

        output.WriteLine($"soak: {blocks * blockSeconds / 60:0.0} min of audio in {seconds:0.0} s ({blocks * blockSeconds / seconds:0.0}x real time), " +
            $"{utterancesSent} utterances sent, {check.Finals} final segments, {check.Responses} responses");
        output.WriteLine($"managed heap {Mib(warm.Heap)} at {WarmMinutes} min, {Mib(end.Heap)} at the end ({(end.Heap - warm.Heap) / 1024.0:+0;-0} KiB); " +
            $"working set {Mib(warm.WorkingSet)} -> {Mib(end.WorkingSet)}; after the stream: heap {Mib(after.Heap)}, working set {Mib(after.WorkingSet)}");

        Assert.Null(error);
        Assert.Null(check.Problem);
        if (periodic)
        {
            Assert.Equal(utterancesSent, check.Finals);
        }
        else
        {
            // one segment per utterance, give or take one a block (the 2 s pauses end each; a boundary may move)
            Assert.InRange(check.Finals, utterancesSent - blocks, utterancesSent + blocks);
        }

        Assert.True(end.Heap <= Math.Max(warm.Heap * (1 + HeapGrowthRatio), warm.Heap + HeapGrowthBytes),
            $"managed heap grew from {warm.Heap} to {end.Heap} bytes");
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }

    private static int Minutes()
    {
        var text = Environment.GetEnvironmentVariable(MinutesVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultMinutes;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes >= 1
            ? minutes
            : throw new InvalidOperationException($"{MinutesVariable} must be a whole number of minutes >= 1, not '{text}'.");
    }

    /// <summary>The managed heap after a full, compacting GC, and the process's working set.</summary>
    private static (long Heap, long WorkingSet) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static string Describe((long Heap, long WorkingSet) m) => $"managed heap {Mib(m.Heap)}, working set {Mib(m.WorkingSet)}";

    private static string Mib(long bytes) => $"{bytes / 1048576.0:0.00} MiB"; // invariant culture (Directory.Build.props)

    /// <summary>
    /// Reads the responses as they come, keeping only the current segment: every segment must be final and
    /// followed by END_OF_SEGMENT, indices must count up, and each segment from the second block on must
    /// equal (tokens, delays, place in its block) the same utterance's segment in the second block (when
    /// <paramref name="periodic"/>).
    /// </summary>
    private sealed class SegmentCheck(int perBlock, long blockMs, bool periodic)
    {
        private readonly List<string> _reference = [];
        private readonly List<string> _tokens = [];
        private bool _expectEnd;

        public int Finals { get; private set; }

        public long Responses { get; private set; }

        public string? Problem { get; private set; }

        public async Task<RpcException?> ReadAsync(IAsyncStreamReader<StreamingTranslateResponse> responses)
        {
            try
            {
                await foreach (var response in responses.ReadAllAsync())
                {
                    Responses++;
                    Add(response);
                }

                return null;
            }
            catch (RpcException ex)
            {
                return ex;
            }
        }

        private void Add(StreamingTranslateResponse response)
        {
            if (_expectEnd)
            {
                _expectEnd = false;
                Fail(response.SpeechEventType == SpeechEventType.EndOfSegment ? null : $"segment {Finals - 1}: no END_OF_SEGMENT after its final result");
                return;
            }

            if (response.Result is not { } result)
            {
                Fail($"an event {response.SpeechEventType} that does not follow a final result");
                return;
            }

            if (result.SegmentIndex != Finals)
            {
                Fail($"segment index {result.SegmentIndex}, expected {Finals}");
            }

            _tokens.AddRange(result.Tokens.Select(t => $"{t.Id}@{t.SourceMs}"));
            if (!result.IsFinal)
            {
                return;
            }

            // Where the segment lies in its block, and what it says: the same for every block after the first.
            var signature = $"{result.SegmentStartMs % blockMs} [{string.Join(' ', _tokens)}]";
            var block = Finals / perBlock;
            if (!periodic)
            {
                // framing and order only
            }
            else if (block == 1)
            {
                _reference.Add(signature);
            }
            else if (block > 1 && signature != _reference[Finals % perBlock])
            {
                Fail($"segment {Finals} (block {block}): {signature}, in block 1: {_reference[Finals % perBlock]}");
            }

            _tokens.Clear();
            _expectEnd = true;
            Finals++;
        }

        private void Fail(string? problem) => Problem ??= problem;
    }
}
