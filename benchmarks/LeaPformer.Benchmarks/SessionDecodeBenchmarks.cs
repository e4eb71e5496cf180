using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;

namespace LeaPformer.Benchmarks;

/// <summary>
/// One stream end to end through the public API, as a client without batching runs it: a session
/// made, 5 s of speech accepted in 100 ms chunks with a <see cref="TranslationSession.Decode"/> after
/// each, then the end of input and the last Decode. Times the whole stepping path (front end, every
/// encoder and decoder step, the wait-k loop, the updates), not one step.
/// </summary>
[MemoryDiagnoser]
public class SessionDecodeBenchmarks
{
    private const int ChunkSamples = 1600;
    private ModelBundle _bundle = null!;
    private TranslationEngine _translator = null!;
    private float[] _audio = [];
    private readonly List<SegmentUpdate> _updates = new(256);

    [GlobalSetup]
    public void Setup()
    {
        _bundle = BenchBundle.Load();
        _translator = new TranslationEngine(_bundle);
        _audio = BenchBundle.Audio(_bundle, seconds: 5);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _translator.Dispose();
        _bundle.Dispose();
    }

    /// <summary>The whole stream at k = 3; returns the updates made.</summary>
    [Benchmark]
    public int StreamAloneK3()
    {
        _updates.Clear();
        using var session = _translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
        for (int start = 0; start < _audio.Length; start += ChunkSamples)
        {
            session.AcceptWaveform(_audio.AsSpan(start, Math.Min(ChunkSamples, _audio.Length - start)));
            session.Decode(_updates);
        }

        session.InputFinished();
        session.Decode(_updates);
        return _updates.Count;
    }
}
