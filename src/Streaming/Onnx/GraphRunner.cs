using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming.Onnx;

/// <summary>
/// Runs one graph for one stream over reused buffers. Input slots are laid out as [data inputs,
/// states, read-only states], output slots as [data outputs, new states]; names travel with the
/// values, so nothing depends on the graph's own input order.
/// </summary>
/// <remarks>
/// Fixed-size states with the data buffers given to <see cref="BindData"/> run through an
/// <see cref="OrtIoBinding"/>: one binding per (own parity, read-only source parity), made on first
/// use, so a step allocates nothing (the name/array Run overloads allocate their handle arrays on
/// every call). Anything else (growing states, a one-off shape) takes the general path.
/// </remarks>
internal sealed class GraphRunner : IDisposable
{
    private readonly GraphSpec _spec;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _outputs;
    private readonly int _dataInputs;
    private readonly int _dataOutputs;
    private readonly StateSet? _readOnlySource;
    private readonly int[] _readOnlyMap;
    private readonly OrtValue?[] _pending; // growing mode: ORT-allocated new states awaiting Commit
    private readonly OrtIoBinding?[] _bindings; // index: States.Parity + 2 * source parity
    private OrtValue[]? _boundInputs;
    private OrtValue[]? _boundOutputs;
    private bool _hasPending;

    /// <param name="preallocateStates">
    /// False forces the ORT-allocated path even for fixed-size states (the path the softmax baseline
    /// needs), so it can be tested against a LeaP bundle.
    /// </param>
    /// <param name="readOnlySource">The states whose current values feed this graph's read-only inputs (the decoder reads cross.onnx's states).</param>
    /// <param name="readOnlyMap">Read-only input j is <paramref name="readOnlySource"/>'s state readOnlyMap[j] (<see cref="GraphSpec.ReadOnlySourceIndices"/>).</param>
    public GraphRunner(
        GraphSpec spec,
        IReadOnlyList<string> dataInputs,
        IReadOnlyList<string> dataOutputs,
        bool preallocateStates = true,
        StateSet? readOnlySource = null,
        int[]? readOnlyMap = null)
    {
        _spec = spec;
        _dataInputs = dataInputs.Count;
        _dataOutputs = dataOutputs.Count;
        States = new StateSet(spec.States, spec.HasFixedSizeStates && preallocateStates);
        _inputNames = [.. dataInputs, .. spec.States.Select(s => s.Name), .. spec.ReadOnlyStates.Select(s => s.Name)];
        _outputNames = [.. dataOutputs, .. spec.States.Select(s => s.OutputName!)];
        _inputs = new OrtValue[_inputNames.Length];
        _outputs = new OrtValue[_outputNames.Length];
        _pending = new OrtValue?[States.IsFixedSize ? 0 : States.Count];
        _readOnlySource = readOnlySource;
        _readOnlyMap = readOnlyMap ?? [];
        if (_readOnlyMap.Length != spec.ReadOnlyStates.Count || (_readOnlyMap.Length > 0 && readOnlySource is null))
        {
            throw new ArgumentException($"{spec.File}: each read-only input needs its source state.", nameof(readOnlyMap));
        }

        _bindings = new OrtIoBinding?[readOnlySource is null ? 2 : 4];
    }

    public StateSet States { get; }

    public IReadOnlyList<StateSpec> ReadOnlyStates => _spec.ReadOnlyStates;

    public GraphSpec Spec => _spec;

    public void SetInput(int dataIndex, OrtValue value) => _inputs[dataIndex] = value;

    /// <summary>The buffer a data output is written to (same element count as the graph produces).</summary>
    public void SetOutput(int dataIndex, OrtValue value) => _outputs[dataIndex] = value;

    /// <summary>
    /// Declares the data buffers of every ordinary step (and sets them as the inputs and outputs): a step
    /// whose data slots hold exactly these values runs through a reusable binding.
    /// </summary>
    public void BindData(OrtValue[] inputs, OrtValue[] outputs)
    {
        if (inputs.Length != _dataInputs || outputs.Length != _dataOutputs)
        {
            throw new ArgumentException($"{_spec.File}: expected {_dataInputs} data inputs and {_dataOutputs} data outputs.");
        }

        _boundInputs = inputs;
        _boundOutputs = outputs;
        inputs.CopyTo(_inputs, 0);
        outputs.CopyTo(_outputs, 0);
    }

    /// <summary>
    /// Runs the graph. The new states stay pending until <see cref="Commit"/>; a second Run without
    /// Commit drops them (wait-k's discarded EOS step).
    /// </summary>
    public void Run(RunOptions runOptions)
    {
        DiscardPending();
        if (States.IsFixedSize && DataIsBound())
        {
            _spec.Session.RunWithBinding(runOptions, Binding());
            _hasPending = true;
            return;
        }

        for (int i = 0; i < States.Count; i++)
        {
            _inputs[_dataInputs + i] = States.Current(i);
        }

        for (int i = 0; i < _readOnlyMap.Length; i++)
        {
            _inputs[_dataInputs + States.Count + i] = _readOnlySource!.Current(_readOnlyMap[i]);
        }

        if (States.IsFixedSize)
        {
            for (int i = 0; i < States.Count; i++)
            {
                _outputs[_dataOutputs + i] = States.Next(i);
            }

            _spec.Session.Run(runOptions, _inputNames, _inputs, _outputNames, _outputs);
            _hasPending = true;
            return;
        }

        // Growing caches: ORT sizes the outputs; data outputs are copied into the caller's buffers.
        var results = _spec.Session.Run(runOptions, _inputNames, _inputs, _outputNames);
        try
        {
            for (int i = 0; i < _dataOutputs; i++)
            {
                var src = results[i].GetTensorDataAsSpan<float>();
                var dst = _outputs[i].GetTensorMutableDataAsSpan<float>();
                if (src.Length != dst.Length)
                {
                    throw new InvalidOperationException($"{_spec.File}: output '{_outputNames[i]}' has {src.Length} values, expected {dst.Length}.");
                }

                src.CopyTo(dst);
                results[i].Dispose();
            }
        }
        catch
        {
            results.Dispose();
            throw;
        }

        for (int i = 0; i < States.Count; i++)
        {
            _pending[i] = results[_dataOutputs + i];
        }

        _hasPending = true;
    }

    /// <summary>
    /// Fixed-size only: this stream's new states are row <paramref name="row"/> of a stacked step's outputs;
    /// they are pending like a Run's.
    /// </summary>
    public void TakeStacked(BatchBuffer[] stackedNext, int row)
    {
        if (!States.IsFixedSize)
        {
            throw new InvalidOperationException("Only fixed-size states can be written by a stacked step.");
        }

        DiscardPending();
        States.UnstackNext(stackedNext, row);
        _hasPending = true;
    }

    /// <summary>The states written by the last <see cref="Run"/> become current.</summary>
    public void Commit()
    {
        if (!_hasPending)
        {
            throw new InvalidOperationException("Nothing to commit: Run first.");
        }

        _hasPending = false;
        if (States.IsFixedSize)
        {
            States.Swap();
            return;
        }

        for (int i = 0; i < States.Count; i++)
        {
            States.Replace(i, _pending[i]!);
            _pending[i] = null;
        }
    }

    /// <summary>Zero states, nothing pending: the start of a new segment.</summary>
    public void Reset()
    {
        DiscardPending();
        States.Reset();
    }

    public void Dispose()
    {
        DiscardPending();
        foreach (var b in _bindings)
        {
            b?.Dispose();
        }

        States.Dispose();
    }

    private bool DataIsBound()
    {
        if (_boundInputs is null || _boundOutputs is null)
        {
            return false;
        }

        for (int i = 0; i < _dataInputs; i++)
        {
            if (!ReferenceEquals(_inputs[i], _boundInputs[i]))
            {
                return false;
            }
        }

        for (int i = 0; i < _dataOutputs; i++)
        {
            if (!ReferenceEquals(_outputs[i], _boundOutputs[i]))
            {
                return false;
            }
        }

        return true;
    }

    private OrtIoBinding Binding()
    {
        int own = States.Parity;
        int source = _readOnlySource?.Parity ?? 0;
        ref var binding = ref _bindings[own + (2 * source)];
        if (binding is not null)
        {
            return binding;
        }

        var created = _spec.Session.CreateIoBinding();
        try
        {
            for (int i = 0; i < _dataInputs; i++)
            {
                created.BindInput(_inputNames[i], _boundInputs![i]);
            }

            for (int i = 0; i < States.Count; i++)
            {
                created.BindInput(_inputNames[_dataInputs + i], States.CurrentAt(i, own));
                created.BindOutput(_outputNames[_dataOutputs + i], States.NextAt(i, own));
            }

            for (int i = 0; i < _readOnlyMap.Length; i++)
            {
                created.BindInput(_inputNames[_dataInputs + States.Count + i], _readOnlySource!.CurrentAt(_readOnlyMap[i], source));
            }

            for (int i = 0; i < _dataOutputs; i++)
            {
                created.BindOutput(_outputNames[i], _boundOutputs![i]);
            }
        }
        catch
        {
            created.Dispose();
            throw;
        }

        binding = created;
        return created;
    }

    private void DiscardPending()
    {
        _hasPending = false;
        for (int i = 0; i < _pending.Length; i++)
        {
            _pending[i]?.Dispose();
            _pending[i] = null;
        }
    }
}
