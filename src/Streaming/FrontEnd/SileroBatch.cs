using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Silero VAD for many streams in one ONNX call, as the model's steps are batched: the oldest pending
/// window of each stream and its recurrent state are stacked (input (N, 576), state (2, N, 128)), run once,
/// and each stream takes back its probability and new state (<see cref="SileroVad.Complete"/>), exactly as
/// its own run would give them. Every buffer is made up front for <see cref="Capacity"/> streams; each
/// batch size is bound once, so a call allocates nothing.
/// </summary>
internal sealed class SileroBatch(SileroVadModel model, int capacity) : IDisposable
{
    private const int StateWidth = 128;
    private readonly float[] _input = GC.AllocateArray<float>(capacity * SileroVad.Input, pinned: true);
    private readonly float[] _state = GC.AllocateArray<float>(2 * capacity * StateWidth, pinned: true);
    private readonly float[] _newState = GC.AllocateArray<float>(2 * capacity * StateWidth, pinned: true);
    private readonly float[] _probability = GC.AllocateArray<float>(capacity, pinned: true);
    private readonly long[] _sampleRate = GC.AllocateArray<long>(1, pinned: true);
    private readonly OrtIoBinding?[] _bindings = new OrtIoBinding?[capacity + 1];
    private readonly List<OrtValue> _values = [];
    private readonly float[] _rowState = new float[2 * StateWidth];

    public SileroVadModel Model => model;

    public int Capacity => capacity;

    /// <summary>ONNX calls made so far, and the windows they ran (for tests and diagnostics).</summary>
    public long Calls { get; private set; }

    /// <inheritdoc cref="Calls"/>
    public long Windows { get; private set; }

    /// <summary>Runs the oldest pending window of each of <paramref name="count"/> detectors (each has one) in one call.</summary>
    public void Run(IReadOnlyList<SileroVad> detectors, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, capacity);
        for (int b = 0; b < count; b++)
        {
            var vad = detectors[start + b];
            vad.PendingInput.CopyTo(_input.AsSpan(b * SileroVad.Input, SileroVad.Input));
            var state = vad.State;
            state[..StateWidth].CopyTo(_state.AsSpan(b * StateWidth, StateWidth)); // layer 0 of row b
            state[StateWidth..].CopyTo(_state.AsSpan((count + b) * StateWidth, StateWidth)); // layer 1 of row b
        }

        model.Session.RunWithBinding(model.RunOptions, _bindings[count] ??= Bind(count));
        for (int b = 0; b < count; b++)
        {
            _newState.AsSpan(b * StateWidth, StateWidth).CopyTo(_rowState);
            _newState.AsSpan((count + b) * StateWidth, StateWidth).CopyTo(_rowState.AsSpan(StateWidth));
            detectors[start + b].Complete(_probability[b], _rowState);
        }

        Calls++;
        Windows += count;
    }

    public void Dispose()
    {
        foreach (var b in _bindings)
        {
            b?.Dispose();
        }

        foreach (var v in _values)
        {
            v.Dispose();
        }
    }

    private OrtIoBinding Bind(int n)
    {
        _sampleRate[0] = KaldiFbank.SampleRate;
        var input = Value(_input, n * SileroVad.Input, [n, SileroVad.Input]);
        var state = Value(_state, 2 * n * StateWidth, [2, n, StateWidth]);
        var sr = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _sampleRate.AsMemory(), []);
        _values.Add(sr);
        var output = Value(_probability, n, [n, 1]);
        var newState = Value(_newState, 2 * n * StateWidth, [2, n, StateWidth]);
        var binding = model.Session.CreateIoBinding();
        binding.BindInput("input", input);
        binding.BindInput("state", state);
        binding.BindInput("sr", sr);
        binding.BindOutput("output", output);
        binding.BindOutput("stateN", newState);
        return binding;
    }

    private OrtValue Value(float[] array, int length, long[] shape)
    {
        var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(0, length), shape);
        _values.Add(value);
        return value;
    }
}
