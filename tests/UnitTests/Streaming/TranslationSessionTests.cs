using System.Runtime.InteropServices;
using LeaPformer.Streaming;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class TranslationSessionTests(BundleFixture fixture)
{
    [Fact]
    public void Wait_k_zero_means_the_model_default()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions());
        Assert.Equal(fixture.Bundle.Metadata.DefaultK, session.WaitK);
        using var offline = translator.CreateSession(new TranslationSessionOptions(WaitK: -1));
        Assert.Equal(-1, offline.WaitK);
    }

    [Theory]
    [InlineData(-2, 16000)]
    [InlineData(1000, 16000)]
    [InlineData(5, 7999)]
    [InlineData(5, 48001)]
    public void Out_of_range_options_are_rejected(int k, int rate)
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        Assert.Throws<ArgumentOutOfRangeException>(() => translator.CreateSession(new TranslationSessionOptions(k, rate)));
    }

    [Fact]
    public void Malformed_audio_is_rejected()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions());
        Assert.Throws<ArgumentException>(() => session.AcceptLinear16(new byte[3]));
        Assert.Throws<ArgumentException>(() => session.AcceptFloat32(new byte[6]));
        Assert.Throws<ArgumentException>(() => session.AcceptFloat32(MemoryMarshal.AsBytes<float>([0.1f, float.NaN])));
        Assert.Throws<ArgumentException>(() => session.AcceptWaveform([float.PositiveInfinity]));
        Assert.Equal(0, session.AudioMsAccepted);
    }

    [Fact]
    public void Each_update_names_the_tokens_it_appended()
    {
        // Two segments, so the delta restarts from nothing at the second.
        var g = fixture.Goldens;
        var audio = TestAudio.Concat(TestAudio.PadToFrames(g[0].Samples), TestAudio.Silence(1500), g[1].Samples);
        using var translator = new TranslationEngine(fixture.Bundle);
        var updates = TestAudio.Run(translator, new TranslationSessionOptions(WaitK: 3) { Endpoint = EndpointOptions.Default }, audio, 1600);
        Assert.True(updates.Count(u => u.IsFinal) >= 2);
        var previous = new Dictionary<int, int>(); // segment -> tokens seen
        foreach (var u in updates)
        {
            Assert.Equal(previous.GetValueOrDefault(u.SegmentIndex), u.NewTokensFrom);
            Assert.Equal(u.IsFinal ? 0 : 1, u.Tokens.Count - u.NewTokensFrom);
            Assert.True(!u.IsFinal || u.Delta.Length == 0);
            previous[u.SegmentIndex] = u.Tokens.Count;
        }
    }

    [Fact]
    public void Float32_and_linear16_input_decode_alike()
    {
        var golden = fixture.Goldens[0];
        using var translator = new TranslationEngine(fixture.Bundle);
        using var a = translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
        using var b = translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
        a.AcceptLinear16(golden.Pcm);
        b.AcceptFloat32(MemoryMarshal.AsBytes(golden.Samples.AsSpan()));
        a.InputFinished();
        b.InputFinished();
        a.Decode([]);
        b.Decode([]);
        Assert.Equal(a.TokenIds, b.TokenIds);
        Assert.Equal(golden.NumSamples * 1000L / 16000, a.AudioMsAccepted);
    }

    [Fact]
    public void Audio_after_input_finished_is_refused()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions());
        session.InputFinished();
        Assert.Throws<InvalidOperationException>(() => session.AcceptWaveform(new float[10]));
    }

    [Fact]
    public void No_audio_still_ends_with_a_final_update()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions());
        var updates = new List<SegmentUpdate>();
        session.InputFinished();
        session.Decode(updates);
        Assert.True(updates[^1].IsFinal);
        Assert.True(session.IsCompleted);
    }

    [Fact]
    public void Leap_state_does_not_grow_with_the_stream()
    {
        Assert.True(fixture.Bundle.Metadata.HasFixedSizeStates, "the test bundle should use LeaP attention");
        var golden = fixture.Goldens[0];
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
        long before = session.StateElementCount;
        for (int i = 0; i < 3; i++)
        {
            session.AcceptLinear16(golden.Pcm);
            session.Decode([]);
        }

        Assert.True(session.FramesRead > 0);
        Assert.Equal(before, session.StateElementCount);
    }

    [Fact]
    public void Disposed_sessions_refuse_work_and_dispose_twice_safely()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var session = translator.CreateSession(new TranslationSessionOptions());
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.AcceptWaveform(new float[10]));
        Assert.Throws<ObjectDisposedException>(() => session.Decode([]));
    }

    [Fact]
    public void Sessions_on_many_threads_give_the_same_result()
    {
        var golden = fixture.Goldens[0];
        using var translator = new TranslationEngine(fixture.Bundle);
        var results = new int[4][];
        Parallel.For(0, results.Length, i =>
        {
            using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
            session.AcceptLinear16(golden.Pcm);
            session.InputFinished();
            session.Decode([]);
            results[i] = [.. session.TokenIds];
        });
        Assert.All(results, r => Assert.Equal(results[0], r));
    }
}
