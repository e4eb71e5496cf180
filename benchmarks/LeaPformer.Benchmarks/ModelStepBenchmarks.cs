using BenchmarkDotNet.Attributes;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;
using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Benchmarks;

/// <summary>
/// One stream's model steps on its own (batch 1) pinned buffers: an encoder step over one unit of
/// 4P feature frames (280 ms at P = 7), the cross-attention update with its P frames, and one decoder step.
/// </summary>
public class ModelStepBenchmarks
{
    private ModelBundle _bundle = null!;
    private ModelStepper _model = null!;
    private RunOptions _runOptions = null!;
    private float[] _features = [];

    [GlobalSetup]
    public void Setup()
    {
        _bundle = BenchBundle.Load();
        var m = _bundle.Metadata;
        _model = new ModelStepper(_bundle);
        _runOptions = new RunOptions();
        _features = new float[m.FeatureFramesPerUnit * m.FeatureDim];
        var random = new Random(1);
        for (int i = 0; i < _features.Length; i++)
        {
            _features[i] = (float)((random.NextDouble() * 2) - 1);
        }

        _model.EncodeAndRead(_features, m.FeatureFramesPerUnit); // states away from zero; bindings made
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _runOptions.Dispose();
        _bundle.Dispose();
    }

    /// <summary>encoder.onnx over one unit; the new states are committed.</summary>
    [Benchmark]
    public void EncoderStep()
    {
        _model.Encoder.Run(_runOptions);
        _model.Encoder.Commit();
    }

    /// <summary>cross.onnx over one unit's encoder frames; the new states are committed.</summary>
    [Benchmark]
    public void CrossUpdate()
    {
        _model.Cross.Run(_runOptions);
        _model.Cross.Commit();
    }

    /// <summary>Both, as the session runs them per unit (features copied in).</summary>
    [Benchmark]
    public void EncodeAndRead() => _model.EncodeAndRead(_features, _bundle.Metadata.FeatureFramesPerUnit);

    /// <summary>decoder.onnx for one token, argmax included (new states left pending, as before a commit).</summary>
    [Benchmark]
    public int DecoderStep() => _model.DecodeStep(_bundle.Metadata.BosId, 3);
}
