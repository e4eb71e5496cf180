using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Internal;

namespace LeaPformer.Benchmarks;

/// <summary>The front end on one second of 16 kHz audio (100 feature frames).</summary>
public class FrontEndBenchmarks
{
    private ModelBundle _bundle = null!;
    private float[] _second = [];
    private KaldiFbank _fbank = null!;
    private FeatureQueue _features = null!;
    private AudioFrontEnd _frontEnd = null!;
    private AudioFrontEnd _endpointed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bundle = BenchBundle.Load();
        _second = BenchBundle.Audio(_bundle, seconds: 1);
        _fbank = new KaldiFbank(_bundle.Metadata.FeatureDim);
        _features = new FeatureQueue(_bundle.Metadata.FeatureDim, initialRows: 1024);
        _frontEnd = new AudioFrontEnd(16000, _bundle.Cmvn);
        _endpointed = new AudioFrontEnd(16000, _bundle.Cmvn, EndpointOptions.Default);
    }

    [GlobalCleanup]
    public void Cleanup() => _bundle.Dispose();

    /// <summary>Kaldi fbank alone.</summary>
    [Benchmark]
    public int FbankPerSecondOfAudio()
    {
        int frames = _fbank.Accept(_second, _features);
        _features.Clear();
        return frames;
    }

    /// <summary>fbank + CMVN, as a session's Accept runs it without endpointing.</summary>
    [Benchmark]
    public int FrontEndPerSecondOfAudio()
    {
        _frontEnd.Accept(_second);
        int rows = _frontEnd.Features.Count;
        _frontEnd.Features.Clear();
        return rows;
    }

    /// <summary>Voice activity and endpoint rules on top (the golden audio is speech, so fbank runs too).</summary>
    [Benchmark]
    public int FrontEndWithEndpointingPerSecondOfAudio()
    {
        _endpointed.Accept(_second);
        int rows = _endpointed.Features.Count;
        _endpointed.Features.Clear();
        while (_endpointed.Segments.Count > 1)
        {
            _endpointed.Segments.Dequeue(); // closed by rule 3 every 20 s; only the bookkeeping is kept
        }

        return rows;
    }
}
