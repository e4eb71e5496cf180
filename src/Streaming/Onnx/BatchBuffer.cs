using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeaPformer.Streaming.Onnx;

/// <summary>
/// One tensor of a batched graph: room for <c>capacity</c> rows of a fixed row shape in one array on
/// the pinned object heap, and a tensor over its first <c>n</c> rows for each batch size n, made on
/// first use and reused after.
/// </summary>
internal sealed class BatchBuffer : IDisposable
{
    private readonly float[]? _floats;
    private readonly long[]? _longs;
    private readonly long[] _rowShape;
    private readonly OrtValue?[] _values;

    public BatchBuffer(string name, TensorElementType type, long[] rowShape, int capacity)
    {
        if (type is not (TensorElementType.Float or TensorElementType.Int64))
        {
            throw new ArgumentException($"Batch tensor '{name}' must be float or int64.", nameof(type));
        }

        Name = name;
        _rowShape = rowShape;
        RowElements = checked((int)StateSpec.ElementCount(rowShape));
        int length = checked(RowElements * capacity);
        if (type == TensorElementType.Float)
        {
            _floats = GC.AllocateArray<float>(length, pinned: true);
        }
        else
        {
            _longs = GC.AllocateArray<long>(length, pinned: true);
        }

        _values = new OrtValue?[capacity + 1];
    }

    public string Name { get; }

    public int RowElements { get; }

    public Span<float> FloatRow(int row) => _floats.AsSpan(row * RowElements, RowElements);

    public Span<long> LongRow(int row) => _longs.AsSpan(row * RowElements, RowElements);

    /// <summary>The tensor (n, row shape...) over the first n rows.</summary>
    public OrtValue Value(int n)
    {
        if (_values[n] is { } value)
        {
            return value;
        }

        var shape = new long[_rowShape.Length + 1];
        shape[0] = n;
        _rowShape.CopyTo(shape, 1);
        int count = n * RowElements;
        var created = _floats is not null
            ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _floats.AsMemory(0, count), shape)
            : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _longs.AsMemory(0, count), shape);
        _values[n] = created;
        return created;
    }

    public void Dispose()
    {
        foreach (var v in _values)
        {
            v?.Dispose();
        }
    }
}
