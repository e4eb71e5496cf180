namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// A FIFO of feature rows (80 floats each) in one contiguous array, so a chunk of rows can be handed
/// to ONNX Runtime as one tensor without copying. Consumed rows are compacted away; the array only
/// grows if the caller stops consuming.
/// </summary>
internal sealed class FeatureQueue(int dim, int initialRows = 256)
{
    private float[] _data = new float[dim * Math.Max(initialRows, 1)];
    private int _start; // first unconsumed row
    private int _end; // one past the last row

    public int Dim { get; } = dim;

    public int Count => _end - _start;

    /// <summary>A row to fill in place; valid until the next call.</summary>
    public Span<float> AppendRow()
    {
        if ((_end + 1) * Dim > _data.Length)
        {
            Compact();
            if ((_end + 1) * Dim > _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }
        }

        var row = _data.AsSpan(_end * Dim, Dim);
        _end++;
        return row;
    }

    public Span<float> Row(int index) => _data.AsSpan((_start + index) * Dim, Dim);

    /// <summary>The first <paramref name="rows"/> rows, contiguous.</summary>
    public ReadOnlySpan<float> Peek(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Count);
        return _data.AsSpan(_start * Dim, rows * Dim);
    }

    public void Consume(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Count);
        _start += rows;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    public void Clear() => _start = _end = 0;

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        _data.AsSpan(_start * Dim, Count * Dim).CopyTo(_data);
        _end -= _start;
        _start = 0;
    }
}
