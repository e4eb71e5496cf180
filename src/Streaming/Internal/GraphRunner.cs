using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming.Internal;

/// <summary>
/// Runs one graph for one stream with the OrtValue API over reused buffers. Input slots are laid out
/// as [data inputs, states, read-only states], output slots as [data outputs, new states]; names
/// travel with the values, so nothing depends on the graph's own input order.
/// </summary>
internal sealed class GraphRunner : IDisposable
{
    private readonly GraphSpec _spec;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _outputs;
    private readonly int _dataInputs;
    private readonly int _dataOutputs;
    private readonly OrtValue?[] _pending; // growing mode: ORT-allocated new states awaiting Commit
    private bool _hasPending;

    /// <param name="preallocateStates">
    /// False forces the ORT-allocated path even for fixed-size states (the path the softmax baseline
    /// needs), so it can be tested against a LeaP bundle.
    /// </param>
    public GraphRunner(GraphSpec spec, IReadOnlyList<string> dataInputs, IReadOnlyList<string> dataOutputs, bool preallocateStates = true, int batch = 1)
    {
        _spec = spec;
        _dataInputs = dataInputs.Count;
        _dataOutputs = dataOutputs.Count;
        States = new StateSet(spec.States, spec.HasFixedSizeStates && preallocateStates, batch);
        _inputNames = [.. dataInputs, .. spec.States.Select(s => s.Name), .. spec.ReadOnlyStates.Select(s => s.Name)];
        _outputNames = [.. dataOutputs, .. spec.States.Select(s => s.OutputName!)];
        _inputs = new OrtValue[_inputNames.Length];
        _outputs = new OrtValue[_outputNames.Length];
        _pending = new OrtValue?[States.IsFixedSize ? 0 : States.Count];
    }

    public StateSet States { get; }

    public IReadOnlyList<StateSpec> ReadOnlyStates => _spec.ReadOnlyStates;

    public void SetInput(int dataIndex, OrtValue value) => _inputs[dataIndex] = value;

    /// <summary>The buffer a data output is written to (same element count as the graph produces).</summary>
    public void SetOutput(int dataIndex, OrtValue value) => _outputs[dataIndex] = value;

    public void SetReadOnlyState(int index, OrtValue value) => _inputs[_dataInputs + States.Count + index] = value;

    /// <summary>
    /// Runs the graph. The new states stay pending until <see cref="Commit"/>; a second Run without
    /// Commit drops them (wait-k's discarded EOS step).
    /// </summary>
    public void Run(RunOptions runOptions)
    {
        DiscardPending();
        for (int i = 0; i < States.Count; i++)
        {
            _inputs[_dataInputs + i] = States.Current(i);
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

    public void Dispose()
    {
        DiscardPending();
        States.Dispose();
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
