using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;

namespace LeaPformer.Benchmarks;

/// <summary>
/// One 32 ms Silero window for each of N streams: each stream's own call (as before batching) against
/// one stacked call (<see cref="SileroBatch"/>, as the stepper runs them). Time is per N windows; divide by
/// N for the cost per stream-window (31.25 windows make a stream-second).
/// </summary>
[MemoryDiagnoser]
public class SileroBatchBenchmarks
{
    private SileroVadModel _silero = null!;
    private List<SileroVad> _vads = [];
    private SileroBatch _batch = null!;
    private float[] _window = [];

    [Params(1, 8, 32)]
    public int Streams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _silero = SileroVadModel.Load(BenchBundle.SileroModelPath);
        using var bundle = BenchBundle.Load();
        _window = BenchBundle.Audio(bundle, seconds: 1)[..SileroVadModel.WindowSamples];
        _vads = [.. Enumerable.Range(0, Streams).Select(_ => _silero.CreateDetector(0.5, 0.35))];
        _batch = new SileroBatch(_silero, Streams);
        Stacked(); // bindings made
        Alone();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _vads.ForEach(v => v.Dispose());
        _silero.Dispose();
    }

    /// <summary>Each stream runs its window in its own call.</summary>
    [Benchmark]
    public void Alone()
    {
        foreach (var vad in _vads)
        {
            vad.Push(_window);
            vad.RunPending();
            vad.SpeechAt(long.MaxValue); // takes the decision, as the front end does
        }
    }

    /// <summary>The N windows stacked into one call.</summary>
    [Benchmark]
    public void Stacked()
    {
        foreach (var vad in _vads)
        {
            vad.Push(_window);
        }

        _batch.Run(_vads, 0, _vads.Count);
        foreach (var vad in _vads)
        {
            vad.SpeechAt(long.MaxValue);
        }
    }
}
