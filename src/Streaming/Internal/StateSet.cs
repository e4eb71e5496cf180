using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeaPformer.Streaming.Internal;

/// <summary>
/// One stream's recurrent states for one graph, all zeros at the start.
/// Fixed-size states (LeaP) live in two pinned arrays each, current and next: the graph writes the
/// next state into pre-allocated outputs and <see cref="Swap"/> flips them, so nothing is copied or
/// allocated per step. Growing states (softmax T_cache) are whatever ORT allocated last step.
/// </summary>
internal sealed class StateSet : IDisposable
{
    private readonly IReadOnlyList<StateSpec> _specs;
    private readonly int _batch;
    private readonly float[][] _current = [];
    private readonly float[][] _next = [];
    private readonly OrtValue[] _currentValues;
    private readonly OrtValue[] _nextValues = [];

    public StateSet(IReadOnlyList<StateSpec> specs, bool fixedSize, int batch = 1)
    {
        _specs = specs;
        _batch = batch;
        IsFixedSize = fixedSize;
        _currentValues = new OrtValue[specs.Count];
        if (fixedSize)
        {
            _current = new float[specs.Count][];
            _next = new float[specs.Count][];
            _nextValues = new OrtValue[specs.Count];
            for (int i = 0; i < specs.Count; i++)
            {
                long[] shape = specs[i].InitialShape(batch);
                int count = checked((int)StateSpec.ElementCount(shape));
                _current[i] = new float[count];
                _next[i] = new float[count];

                // Pins the arrays for the OrtValue's lifetime: ORT reads and writes them in place.
                _currentValues[i] = OrtValue.CreateTensorValueFromMemory(_current[i], shape);
                _nextValues[i] = OrtValue.CreateTensorValueFromMemory(_next[i], shape);
            }
        }
        else
        {
            for (int i = 0; i < specs.Count; i++)
            {
                _currentValues[i] = CreateZeros(specs[i].InitialShape(batch));
            }
        }
    }

    public bool IsFixedSize { get; }

    public int Count => _specs.Count;

    public StateSpec Spec(int index) => _specs[index];

    /// <summary>The state to feed as input <c>X</c>.</summary>
    public OrtValue Current(int index) => _currentValues[index];

    /// <summary>Fixed-size only: the pre-allocated buffer the graph writes <c>new_X</c> into.</summary>
    public OrtValue Next(int index) => _nextValues[index];

    /// <summary>Fixed-size only: the next states become current.</summary>
    public void Swap()
    {
        for (int i = 0; i < _specs.Count; i++)
        {
            (_current[i], _next[i]) = (_next[i], _current[i]);
            (_currentValues[i], _nextValues[i]) = (_nextValues[i], _currentValues[i]);
        }
    }

    /// <summary>Growing only: adopts an ORT-allocated new state and frees the old one.</summary>
    public void Replace(int index, OrtValue value)
    {
        _currentValues[index].Dispose();
        _currentValues[index] = value;
    }

    /// <summary>Float count of every current state: constant for LeaP, growing for softmax.</summary>
    public long ElementCount()
    {
        long n = 0;
        foreach (var v in _currentValues)
        {
            n += v.GetTensorTypeAndShape().ElementCount;
        }

        return n;
    }

    public void Dispose()
    {
        foreach (var v in _currentValues)
        {
            v?.Dispose();
        }

        foreach (var v in _nextValues)
        {
            v?.Dispose();
        }
    }

    private static OrtValue CreateZeros(long[] shape)
    {
        // ORT-owned memory: a growing state is replaced by ORT's own outputs after the first step anyway.
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);
        if (StateSpec.ElementCount(shape) > 0)
        {
            value.GetTensorMutableDataAsSpan<float>().Clear();
        }

        return value;
    }
}
