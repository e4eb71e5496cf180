namespace LeaPformer.Streaming.Onnx;

/// <summary>One recurrent state tensor of a graph: input <c>X</c>, paired by name with output <c>new_X</c>.</summary>
/// <param name="Name">Input name, e.g. enc_s_0.</param>
/// <param name="OutputName">new_X, or null for a read-only input (the decoder's cross states).</param>
/// <param name="Dims">Dimensions from the graph; -1 where symbolic (axis 0 is always the batch axis N).</param>
internal sealed record StateSpec(string Name, string? OutputName, long[] Dims)
{
    public const string OutputPrefix = "new_";

    /// <summary>True when only the batch axis is symbolic (LeaP); false for caches that grow (softmax T_cache).</summary>
    public bool IsFixedSize => Dims.Skip(1).All(d => d >= 0);

    /// <summary>The all-zero initial state's shape: axis 0 = batch, other symbolic axes start empty.</summary>
    public long[] InitialShape(int batch)
    {
        var shape = new long[Dims.Length];
        shape[0] = batch;
        for (int i = 1; i < Dims.Length; i++)
        {
            shape[i] = Math.Max(Dims[i], 0);
        }

        return shape;
    }

    public static long ElementCount(long[] shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
        }

        return n;
    }
}
