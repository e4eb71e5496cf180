using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeaPformer.Streaming.Onnx;

/// <summary>
/// One stream's recurrent states for one graph, all zeros at the start.
/// Fixed-size states (LeaP) live in two pinned buffers each, A and B: one is current, the graph writes
/// the next state into the other, and <see cref="Swap"/> flips which is which (<see cref="Parity"/>),
/// so nothing is copied or allocated per step. Growing states (softmax T_cache) are whatever ORT
/// allocated last step.
/// </summary>
internal sealed class StateSet : IDisposable
{
    private readonly IReadOnlyList<StateSpec> _specs;
    private readonly int _batch;
    private readonly float[][] _a = [];
    private readonly float[][] _b = [];
    private readonly OrtValue[] _aValues = [];
    private readonly OrtValue[] _bValues = [];
    private readonly OrtValue[] _growing = [];
    private int _parity; // 0: A is current

    public StateSet(IReadOnlyList<StateSpec> specs, bool fixedSize, int batch = 1)
    {
        _specs = specs;
        _batch = batch;
        IsFixedSize = fixedSize;
        if (fixedSize)
        {
            _a = new float[specs.Count][];
            _b = new float[specs.Count][];
            _aValues = new OrtValue[specs.Count];
            _bValues = new OrtValue[specs.Count];
            for (int i = 0; i < specs.Count; i++)
            {
                long[] shape = specs[i].InitialShape(batch);
                int count = checked((int)StateSpec.ElementCount(shape));

                // Pinned heap: ORT reads and writes them in place for the OrtValues' lifetime.
                _a[i] = GC.AllocateArray<float>(count, pinned: true);
                _b[i] = GC.AllocateArray<float>(count, pinned: true);
                _aValues[i] = OrtValue.CreateTensorValueFromMemory(_a[i], shape);
                _bValues[i] = OrtValue.CreateTensorValueFromMemory(_b[i], shape);
            }
        }
        else
        {
            _growing = new OrtValue[specs.Count];
            for (int i = 0; i < specs.Count; i++)
            {
                _growing[i] = CreateZeros(specs[i].InitialShape(batch));
            }
        }
    }

    public bool IsFixedSize { get; }

    public int Count => _specs.Count;

    /// <summary>Fixed-size only: 0 while buffer A is current, 1 while B is; flips at every <see cref="Swap"/>.</summary>
    public int Parity => _parity;

    public StateSpec Spec(int index) => _specs[index];

    /// <summary>The state to feed as input <c>X</c>.</summary>
    public OrtValue Current(int index) => IsFixedSize ? CurrentAt(index, _parity) : _growing[index];

    /// <summary>Fixed-size only: the pre-allocated buffer the graph writes <c>new_X</c> into.</summary>
    public OrtValue Next(int index) => NextAt(index, _parity);

    /// <summary>Fixed-size only: what <see cref="Current"/> is while <see cref="Parity"/> is <paramref name="parity"/>.</summary>
    public OrtValue CurrentAt(int index, int parity) => parity == 0 ? _aValues[index] : _bValues[index];

    /// <summary>Fixed-size only: what <see cref="Next"/> is while <see cref="Parity"/> is <paramref name="parity"/>.</summary>
    public OrtValue NextAt(int index, int parity) => parity == 0 ? _bValues[index] : _aValues[index];

    /// <summary>Fixed-size only: the current state's floats, for stacking into a batch.</summary>
    public Span<float> CurrentSpan(int index) => _parity == 0 ? _a[index] : _b[index];

    /// <summary>Fixed-size only: the next state's floats, where a batched step unstacks its row.</summary>
    public Span<float> NextSpan(int index) => _parity == 0 ? _b[index] : _a[index];

    /// <summary>Fixed-size only: copies each current state into row <paramref name="row"/> of its stacked tensor (states in order, or <paramref name="map"/>[j] into tensor j).</summary>
    public void StackCurrent(BatchBuffer[] stacked, int row, int[]? map = null)
    {
        for (int j = 0; j < stacked.Length; j++)
        {
            CurrentSpan(map is null ? j : map[j]).CopyTo(stacked[j].FloatRow(row));
        }
    }

    /// <summary>Fixed-size only: row <paramref name="row"/> of each stacked new state becomes this stream's next state.</summary>
    public void UnstackNext(BatchBuffer[] stacked, int row)
    {
        for (int i = 0; i < stacked.Length; i++)
        {
            stacked[i].FloatRow(row).CopyTo(NextSpan(i));
        }
    }

    /// <summary>Fixed-size only: the next states become current.</summary>
    public void Swap() => _parity ^= 1;

    /// <summary>Back to the all-zero initial states (a new segment). Allocates only for growing states.</summary>
    public void Reset()
    {
        if (IsFixedSize)
        {
            for (int i = 0; i < _specs.Count; i++)
            {
                // The next buffers are written whole by the next run before anything reads them.
                CurrentSpan(i).Clear();
            }

            return;
        }

        for (int i = 0; i < _specs.Count; i++)
        {
            _growing[i].Dispose();
            _growing[i] = CreateZeros(_specs[i].InitialShape(_batch));
        }
    }

    /// <summary>Growing only: adopts an ORT-allocated new state and frees the old one.</summary>
    public void Replace(int index, OrtValue value)
    {
        _growing[index].Dispose();
        _growing[index] = value;
    }

    /// <summary>Float count of every current state: constant for LeaP, growing for softmax.</summary>
    public long ElementCount()
    {
        long n = 0;
        for (int i = 0; i < _specs.Count; i++)
        {
            n += Current(i).GetTensorTypeAndShape().ElementCount;
        }

        return n;
    }

    public void Dispose()
    {
        foreach (var v in _aValues)
        {
            v.Dispose();
        }

        foreach (var v in _bValues)
        {
            v.Dispose();
        }

        foreach (var v in _growing)
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
