using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;
using GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel;

namespace LeaPformer.Benchmarks;

/// <summary>
/// The ONNX Runtime session settings <see cref="ModelRuntimeOptions"/> chooses, measured against the
/// alternatives: intra-op threads (1 = the caller's thread, 2 = a second pool thread per operator) and
/// the graph optimisation level, on one stream's encoder unit and decoder step, and on a batch of 32
/// decoder steps (the server's batched tick, where a second thread has the most work to share).
/// </summary>
public class RuntimeOptionsBenchmarks
{
    private ModelBundle _bundle = null!;
    private ModelStepper _model = null!;
    private TranslationEngine _translator = null!;
    private StackedSteps _stacked = null!;
    private List<TranslationSession> _sessions = [];
    private float[] _features = [];

    [Params(1, 2)]
    public int IntraOpThreads { get; set; }

    [Params(GraphOptimizationLevel.ORT_ENABLE_BASIC, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public GraphOptimizationLevel Optimization { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bundle = ModelBundle.Load(BenchBundle.Directory, new ModelRuntimeOptions
        {
            IntraOpNumThreads = IntraOpThreads,
            GraphOptimizationLevel = Optimization,
        });
        var m = _bundle.Metadata;
        _model = new ModelStepper(_bundle);
        _features = new float[m.FeatureFramesPerUnit * m.FeatureDim];
        var random = new Random(1);
        var updates = new List<SegmentUpdate>();
        for (int i = 0; i < _features.Length; i++)
        {
            _features[i] = (float)((random.NextDouble() * 2) - 1);
        }

        _model.EncodeAndRead(_features, m.FeatureFramesPerUnit);

        _translator = new TranslationEngine(_bundle);
        var audio = BenchBundle.Audio(_bundle, seconds: 1);
        const int streams = 32;
        for (int i = 0; i < streams; i++)
        {
            var session = _translator.CreateSession(new TranslationSessionOptions(WaitK: 3));
            session.AcceptWaveform(audio);
            session.Advance(updates);
            _sessions.Add(session);
        }

        _stacked = new StackedSteps(_bundle, streams);
        _stacked.RunEncoders(_sessions, 0, streams);
        _stacked.RunDecoders(_sessions, 0, streams);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stacked.Dispose();
        _sessions.ForEach(s => s.Dispose());
        _translator.Dispose();
        _model.Dispose();
        _bundle.Dispose();
    }

    /// <summary>One stream: encoder + cross over one unit (280 ms of audio).</summary>
    [Benchmark]
    public void EncodeAndRead() => _model.EncodeAndRead(_features, _bundle.Metadata.FeatureFramesPerUnit);

    /// <summary>One stream: one decoder step with its argmax.</summary>
    [Benchmark]
    public int DecoderStep() => _model.DecodeStep(_bundle.Metadata.BosId, 3);

    /// <summary>32 streams: one batched decoder tick.</summary>
    [Benchmark]
    public int DecoderStepBatched32()
    {
        _stacked.RunDecoders(_sessions, 0, _sessions.Count);
        return _stacked.DecodedTokens[0];
    }
}
