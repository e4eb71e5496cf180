using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming.Onnx;

/// <summary>
/// One graph run on stacked rows: its inputs and outputs are <see cref="BatchBuffer"/>s (an output
/// buffer may be the next graph's input, as the encoder's frames feed cross.onnx), bound once per
/// batch size with an <see cref="OrtIoBinding"/>, so a batched step allocates nothing.
/// </summary>
internal sealed class BatchGraph(GraphSpec spec, int capacity, BatchBuffer[] inputs, BatchBuffer[] outputs) : IDisposable
{
    private readonly OrtIoBinding?[] _bindings = new OrtIoBinding?[capacity + 1];

    public void Run(int n, RunOptions runOptions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, capacity);
        spec.Session.RunWithBinding(runOptions, _bindings[n] ??= Bind(n));
    }

    public void Dispose()
    {
        foreach (var b in _bindings)
        {
            b?.Dispose();
        }
    }

    private OrtIoBinding Bind(int n)
    {
        var binding = spec.Session.CreateIoBinding();
        try
        {
            foreach (var input in inputs)
            {
                binding.BindInput(input.Name, input.Value(n));
            }

            foreach (var output in outputs)
            {
                binding.BindOutput(output.Name, output.Value(n));
            }

            return binding;
        }
        catch
        {
            binding.Dispose();
            throw;
        }
    }
}
