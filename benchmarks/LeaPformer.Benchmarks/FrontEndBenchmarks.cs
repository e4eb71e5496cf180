using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;

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
    private SileroVadModel _silero = null!;
    private AudioFrontEnd _sileroEndpointed = null!;
    private SileroVad _sileroVad = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bundle = BenchBundle.Load();
        _second = BenchBundle.Audio(_bundle, seconds: 1);
        _fbank = new KaldiFbank(_bundle.Metadata.FeatureDim);
        _features = new FeatureQueue(_bundle.Metadata.FeatureDim, initialRows: 1024);
        _frontEnd = new AudioFrontEnd(16000, _bundle.Cmvn);
        _endpointed = new AudioFrontEnd(16000, _bundle.Cmvn, EndpointOptions.Default);
        _silero = SileroVadModel.Load(BenchBundle.SileroModelPath);
        _sileroEndpointed = new AudioFrontEnd(16000, _bundle.Cmvn, EndpointOptions.Default with { SileroVad = _silero });
        _sileroVad = _silero.CreateDetector(0.5, 0.35);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sileroVad.Dispose();
        _sileroEndpointed.Dispose();
        _silero.Dispose();
        _bundle.Dispose();
    }

    /// <summary>Silero VAD alone on one second of one stream (100 frames of 10 ms; 31.25 windows of 32 ms).</summary>
    [Benchmark]
    public int SileroPerSecondOfAudio()
    {
        int speech = 0;
        for (int i = 0; i < _second.Length; i += AudioFrontEnd.FrameSamples)
        {
            speech += _sileroVad.IsSpeech(_second.AsSpan(i, AudioFrontEnd.FrameSamples)) ? 1 : 0;
        }

        return speech;
    }

    /// <summary>As <see cref="FrontEndWithEndpointingPerSecondOfAudio"/>, with Silero deciding speech.</summary>
    [Benchmark]
    public int FrontEndWithSileroEndpointingPerSecondOfAudio()
    {
        _sileroEndpointed.Accept(_second);
        int rows = _sileroEndpointed.Features.Count;
        _sileroEndpointed.Features.Clear();
        while (_sileroEndpointed.Segments.Count > 1)
        {
            _sileroEndpointed.Segments.Dequeue();
        }

        return rows;
    }

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
