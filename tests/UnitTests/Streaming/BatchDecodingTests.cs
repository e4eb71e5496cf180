using LeaPformer.Policy;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;
using LeaPformer.Streaming.FrontEnd;
using LeaPformer.UnitTests.Support;
using static LeaPformer.UnitTests.Support.TestAudio;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class BatchDecodingTests(BundleFixture fixture) : IDisposable
{
    private readonly SileroVadModel _silero = SileroVadModel.Load(SileroVadTests.ModelPath);

    private static readonly EndpointOptions Exact = new()
    {
        SpeechThresholdDbfs = -110,
        NoiseMarginDb = null,
        LeadingPaddingMs = 0,
        TrailingPaddingMs = 0,
    };

    private static readonly RunawayGuardOptions TightGuard = new() { BaseTokens = 0, MaxTokensPerSecond = 2, MaxNgramRepeats = null };

    public void Dispose() => _silero.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public void Batched_sessions_decode_exactly_as_alone(int maxBatchSize)
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var streams = Streams();

        // Alone: each stream through Decode, in the same chunks.
        var expected = streams.Select(s => Run(translator, s.Options, s.Audio, s.Chunk).Select(DescribeFully).ToList()).ToList();
        var expectedDelays = new List<double[]>();
        foreach (var s in streams)
        {
            using var session = translator.CreateSession(s.Options);
            Run(session, s.Audio, s.Chunk);
            expectedDelays.Add([.. session.DelaysMs]);
        }

        // Batched: every stream gets its next chunk, then one DecodeBatch for all; a Decode after it has nothing left to run.
        var sessions = streams.Select(s => translator.CreateSession(s.Options)).ToList();
        try
        {
            var updates = streams.Select(_ => new List<SegmentUpdate>()).ToList();
            var position = new int[streams.Count];
            while (sessions.Any(s => !s.IsCompleted))
            {
                for (int i = 0; i < streams.Count; i++)
                {
                    var s = streams[i];
                    if (position[i] < s.Audio.Length)
                    {
                        int n = Math.Min(s.Chunk, s.Audio.Length - position[i]);
                        sessions[i].AcceptWaveform(s.Audio.AsSpan(position[i], n));
                        position[i] += n;
                    }
                    else if (!sessions[i].IsInputFinished)
                    {
                        sessions[i].InputFinished();
                    }
                }

                translator.DecodeBatch(sessions, updates, maxBatchSize);
                for (int i = 0; i < sessions.Count; i++)
                {
                    Assert.Equal(0, sessions[i].Decode(updates[i]));
                }
            }

            for (int i = 0; i < streams.Count; i++)
            {
                Assert.Equal(expected[i], updates[i].Select(DescribeFully));
                Assert.Equal(expectedDelays[i], sessions[i].DelaysMs);
            }
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Sessions_with_growing_states_fall_back_to_stepping_alone()
    {
        var meta = fixture.Bundle.Metadata;
        using var translator = new TranslationEngine(fixture.Bundle);
        var golden = fixture.Goldens[1];
        using var batchable = translator.CreateSession(DecodeParityTests.BundleLoop(3));
        using var growing = new TranslationSession(fixture.Bundle, new WaitKPolicy(3, meta.PreDecision), 16000, preallocateStates: false);
        Assert.False(growing.Model.CanBatch);
        foreach (var s in new[] { batchable, growing })
        {
            s.AcceptWaveform(golden.Samples);
            s.InputFinished();
        }

        translator.DecodeBatch([batchable, growing], [[], []]);
        var expected = golden.Decodes.Single(d => d.K == 3);
        Assert.Equal(expected.Tokens, batchable.TokenIds);
        Assert.Equal(expected.Tokens, growing.TokenIds);
        Assert.True(batchable.IsCompleted && growing.IsCompleted);
    }

    [Fact]
    public void Batch_size_1_and_batch_size_64_run_the_same_stepping_loop()
    {
        // One stepper type steps every session: Decode is a batch of one through it, DecodeBatch a larger
        // one. The same stream alone and as each of 64 rows takes the same ticks and makes the same updates.
        using var translator = new TranslationEngine(fixture.Bundle);
        var golden = fixture.Goldens[1];
        var options = DecodeParityTests.BundleLoop(3);

        using var alone = translator.CreateSession(options);
        using var one = new BatchStepper(fixture.Bundle, capacity: 1);
        alone.AcceptWaveform(golden.Samples);
        alone.InputFinished();
        var aloneUpdates = new List<SegmentUpdate>();
        int made = one.Run(alone, aloneUpdates);

        var sessions = Enumerable.Range(0, 64).Select(_ => translator.CreateSession(options)).ToList();
        try
        {
            using var many = new BatchStepper(fixture.Bundle, capacity: 64);
            var updates = sessions.Select(_ => new List<SegmentUpdate>()).ToList();
            foreach (var s in sessions)
            {
                s.AcceptWaveform(golden.Samples);
                s.InputFinished();
            }

            Assert.Equal(64 * made, many.Run(sessions, updates, maxBatchSize: 64));
            Assert.Equal(one.Ticks, many.Ticks);
            Assert.All(updates, u => Assert.Equal(aloneUpdates.Select(DescribeFully), u.Select(DescribeFully)));
            Assert.Equal(golden.Decodes.Single(d => d.K == 3).Tokens, alone.TokenIds);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Silero_windows_of_many_streams_run_stacked_with_the_decisions_of_each_alone()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var g = fixture.Goldens;
        var audio = Concat(Silence(300), PadToFrames(g[0].Samples), Silence(1500), g[1].Samples);
        var options = new TranslationSessionOptions(WaitK: 3) { Endpoint = EndpointOptions.Default with { SileroVad = _silero } };
        var expected = Run(translator, options, audio, 1600).Select(DescribeFully).ToList();
        Assert.True(expected.Count(u => u.Contains("final", StringComparison.Ordinal)) >= 2); // the pause cut a segment

        var sessions = Enumerable.Range(0, 8).Select(_ => translator.CreateSession(options)).ToList();
        try
        {
            using var stepper = new BatchStepper(fixture.Bundle, capacity: 8);
            var updates = sessions.Select(_ => new List<SegmentUpdate>()).ToList();
            for (int start = 0; start < audio.Length; start += 1600)
            {
                foreach (var s in sessions)
                {
                    s.AcceptWaveform(audio.AsSpan(start, Math.Min(1600, audio.Length - start)));
                }

                stepper.Run(sessions, updates, maxBatchSize: 8);
            }

            sessions.ForEach(s => s.InputFinished());
            stepper.Run(sessions, updates, maxBatchSize: 8);
            Assert.All(updates, u => Assert.Equal(expected, u.Select(DescribeFully)));
            var vad = Assert.IsType<SileroBatch>(stepper.VadBatch);
            Assert.Equal(8 * vad.Calls, vad.Windows); // every window ran in a call of all 8 streams
            Assert.InRange(vad.Windows / 8, (audio.Length / 512) - 1, audio.Length / 512);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_session_may_appear_only_once()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions());
        Assert.Throws<ArgumentException>(() => translator.DecodeBatch([session, session], [[], []]));
        Assert.Throws<ArgumentException>(() => translator.DecodeBatch([session], [[], []]));
        Assert.Throws<ArgumentOutOfRangeException>(() => translator.DecodeBatch([session], [[]], 0));
    }

    [Fact]
    public async Task The_service_batches_concurrent_streams_with_the_same_results()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var streams = Streams();
        var expected = streams.Select(s => Run(translator, s.Options, s.Audio, s.Chunk).Select(DescribeFully).ToList()).ToList();

        await using var service = new BatchDecodingService(translator, new BatchDecodingOptions { MaxBatchSize = 4, MaxWait = TimeSpan.FromMilliseconds(1), Workers = 2 });
        var results = await Task.WhenAll(streams.Select(s => Task.Run(async () =>
        {
            using var session = translator.CreateSession(s.Options);
            var updates = new List<SegmentUpdate>();
            for (int start = 0; start < s.Audio.Length; start += s.Chunk)
            {
                session.AcceptWaveform(s.Audio.AsSpan(start, Math.Min(s.Chunk, s.Audio.Length - start)));
                await service.DecodeAsync(session, updates).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            }

            session.InputFinished();
            await service.DecodeAsync(session, updates).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(session.IsCompleted);
            return updates.Select(DescribeFully).ToList();
        })));

        for (int i = 0; i < streams.Count; i++)
        {
            Assert.Equal(expected[i], results[i]);
        }
    }

    [Fact]
    public async Task A_cancelled_call_leaves_the_session_usable()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        await using var service = new BatchDecodingService(translator);
        var golden = fixture.Goldens[0];
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
        var updates = new List<SegmentUpdate>();
        session.AcceptWaveform(golden.Samples);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await service.DecodeAsync(session, updates, new CancellationToken(canceled: true)));
        Assert.Empty(updates);

        session.InputFinished();
        await service.DecodeAsync(session, updates).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(golden.Decodes.Single(d => d.K == 3).Text, updates[^1].Text);
        Assert.True(updates[^1].IsFinal);
    }

    [Fact]
    public async Task One_call_at_a_time_per_session_and_none_after_dispose()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var service = new BatchDecodingService(translator, new BatchDecodingOptions { MaxWait = TimeSpan.FromMilliseconds(200), MaxBatchSize = 8 });
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
        session.AcceptWaveform(fixture.Goldens[0].Samples);
        var first = service.DecodeAsync(session, []);
        Assert.Throws<InvalidOperationException>(() => service.DecodeAsync(session, []));
        await service.DisposeAsync(); // queued calls are still decoded
        Assert.True(await first.AsTask().WaitAsync(TimeSpan.FromSeconds(60)) > 0);
        Assert.Throws<ObjectDisposedException>(() => service.DecodeAsync(session, []));
    }

    /// <summary>Streams at different points: different audio, k, chunk sizes and lengths, with and without endpointing.</summary>
    private List<(TranslationSessionOptions Options, float[] Audio, int Chunk)> Streams()
    {
        var g = fixture.Goldens;
        var multi = Concat(PadToFrames(g[0].Samples), Silence(1500), PadToFrames(g[1].Samples), Silence(1300), g[2].Samples);
        return
        [
            (new TranslationSessionOptions(WaitK: 3), g[0].Samples, 1600),
            (new TranslationSessionOptions(WaitK: 5), g[1].Samples, 3000),
            (new TranslationSessionOptions(WaitK: 1), Concat(Silence(700), g[2].Samples), 1111),
            (new TranslationSessionOptions(WaitK: TranslationSessionOptions.Offline), g[2].Samples, 4000),
            (new TranslationSessionOptions(WaitK: 2) { Endpoint = Exact }, multi, 2500),
            (new TranslationSessionOptions(WaitK: 4) { Endpoint = EndpointOptions.Default }, Concat(Silence(300), multi), 1600),
            (new TranslationSessionOptions(WaitK: 3, InputSampleRate: 16000) { Endpoint = Exact with { MaxSegmentMs = 1500 } }, g[1].Samples, 800),

            // Silero decides the pauses: its windows run stacked across the streams that have some.
            (new TranslationSessionOptions(WaitK: 3) { Endpoint = EndpointOptions.Default with { SileroVad = _silero } }, Concat(Silence(300), multi), 1600),
            (new TranslationSessionOptions(WaitK: 2) { Endpoint = EndpointOptions.Default with { SileroVad = _silero } }, multi, 2500),
            (new TranslationSessionOptions(WaitK: 5) { Endpoint = EndpointOptions.Default with { SileroVad = _silero }, SingleUtterance = true }, multi, 700),

            // The runaway guard, far tighter than its default, cuts segments every 1.4 s of audio.
            (new TranslationSessionOptions(WaitK: 3) { RunawayGuard = TightGuard }, g[1].Samples, 1000),
            (new TranslationSessionOptions(WaitK: 2) { Endpoint = EndpointOptions.Default, RunawayGuard = TightGuard }, Concat(Silence(300), multi), 1600),
        ];
    }
}
