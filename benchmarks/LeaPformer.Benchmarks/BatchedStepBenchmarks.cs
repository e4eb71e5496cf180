using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;

namespace LeaPformer.Benchmarks;

/// <summary>
/// One tick of <see cref="TranslationEngine.DecodeBatch"/> for N streams: their states stacked along axis N,
/// one ONNX call, the new states unstacked into each stream. Time is per tick (N streams); divide by N
/// for the cost per stream step.
/// </summary>
public class BatchedStepBenchmarks
{
    private ModelBundle _bundle = null!;
    private TranslationEngine _translator = null!;
    private StackedSteps _stacked = null!;
    private List<TranslationSession> _sessions = [];

    [Params(1, 8, 32, 64)]
    public int Streams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bundle = BenchBundle.Load();
        _translator = new TranslationEngine(_bundle);
        var audio = BenchBundle.Audio(_bundle, seconds: 1);
        var updates = new List<SegmentUpdate>();
        for (int i = 0; i < Streams; i++)
        {
            var session = _translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
            session.AcceptWaveform(audio);
            if (session.Advance(updates) != TranslationSession.Step.EncoderUnit)
            {
                throw new InvalidOperationException("Expected a stream with a unit of features to encode.");
            }

            _sessions.Add(session);
        }

        _stacked = new StackedSteps(_bundle, Streams);
        _stacked.RunEncoders(_sessions, 0, Streams); // bindings made, states away from zero
        _stacked.RunDecoders(_sessions, 0, Streams);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stacked.Dispose();
        _sessions.ForEach(s => s.Dispose());
        _translator.Dispose();
        _bundle.Dispose();
    }

    /// <summary>One decoder step for every stream (states stacked, one decoder.onnx call, unstacked, argmax).</summary>
    [Benchmark]
    public int DecoderStepBatched()
    {
        _stacked.RunDecoders(_sessions, 0, Streams);
        return _stacked.DecodedTokens[0];
    }

    /// <summary>One encoder + cross step over a unit for every stream.</summary>
    [Benchmark]
    public void EncoderUnitBatched() => _stacked.RunEncoders(_sessions, 0, Streams);
}
