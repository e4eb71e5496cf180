using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeaPformer.Streaming.Onnx;

/// <summary>
/// One graph of the bundle and what the runtime needs to drive it: its data inputs and outputs and
/// its states, discovered from the graph's own input/output metadata. States are paired by name
/// (X with new_X), never by position.
/// </summary>
internal sealed class GraphSpec : IDisposable
{
    private GraphSpec(string file, InferenceSession session, IReadOnlyList<StateSpec> states, IReadOnlyList<StateSpec> readOnlyStates)
    {
        File = file;
        Session = session;
        States = states;
        ReadOnlyStates = readOnlyStates;
        HasFixedSizeStates = states.All(s => s.IsFixedSize);
    }

    /// <summary>Full path of the .onnx file, for error messages.</summary>
    public string File { get; }

    public InferenceSession Session { get; }

    /// <summary>States this graph reads and returns updated (X -> new_X), in graph input order.</summary>
    public IReadOnlyList<StateSpec> States { get; }

    /// <summary>States this graph only reads (the decoder's cross states), in graph input order.</summary>
    public IReadOnlyList<StateSpec> ReadOnlyStates { get; }

    /// <summary>True when no state grows, so every output can be pre-allocated.</summary>
    public bool HasFixedSizeStates { get; }

    public IReadOnlyDictionary<string, string> Metadata => Session.ModelMetadata.CustomMetadataMap;

    /// <summary>
    /// Reads the graph's interface. Inputs other than <paramref name="dataInputs"/> are states; each must
    /// have an output new_X of the same type and rank, unless <paramref name="readOnlyAllowed"/> accepts
    /// it as a read-only input.
    /// </summary>
    public static GraphSpec Create(
        string file,
        InferenceSession session,
        IReadOnlyCollection<string> dataInputs,
        IReadOnlyCollection<string> dataOutputs,
        Func<string, bool>? readOnlyAllowed = null)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        foreach (string name in dataInputs)
        {
            Require(inputs.ContainsKey(name), file, $"has no input '{name}' (inputs: {string.Join(", ", session.InputNames)}).");
        }

        foreach (string name in dataOutputs)
        {
            Require(outputs.ContainsKey(name), file, $"has no output '{name}' (outputs: {string.Join(", ", session.OutputNames)}).");
        }

        var states = new List<StateSpec>();
        var readOnly = new List<StateSpec>();
        foreach (string name in session.InputNames)
        {
            if (dataInputs.Contains(name))
            {
                continue;
            }

            var meta = inputs[name];
            Require(meta.IsTensor && meta.ElementDataType == TensorElementType.Float, file, $"state input '{name}' must be a float tensor.");
            Require(meta.Dimensions.Length >= 1, file, $"state input '{name}' has no batch axis.");
            var dims = meta.Dimensions.Select(d => (long)d).ToArray();
            string outputName = StateSpec.OutputPrefix + name;
            if (outputs.TryGetValue(outputName, out var outMeta))
            {
                Require(
                    outMeta.ElementDataType == TensorElementType.Float && outMeta.Dimensions.Length == dims.Length,
                    file,
                    $"output '{outputName}' does not match state input '{name}' in type or rank.");
                states.Add(new StateSpec(name, outputName, dims));
            }
            else if (readOnlyAllowed?.Invoke(name) == true)
            {
                readOnly.Add(new StateSpec(name, null, dims));
            }
            else
            {
                throw new ModelBundleException(file, $"state input '{name}' has no output '{outputName}'.");
            }
        }

        foreach (string name in session.OutputNames)
        {
            bool known = dataOutputs.Contains(name) || states.Any(s => s.OutputName == name);
            Require(known, file, $"output '{name}' is neither a data output nor new_X of a state input X.");
        }

        return new GraphSpec(file, session, states, readOnly);
    }

    /// <summary>
    /// For each of this graph's read-only inputs, the index of the same-named state in <paramref name="source"/>
    /// (the decoder reads cross.onnx's states). The one place where states are matched across graphs.
    /// </summary>
    public int[] ReadOnlySourceIndices(GraphSpec source)
    {
        var map = new int[ReadOnlyStates.Count];
        for (int i = 0; i < map.Length; i++)
        {
            string name = ReadOnlyStates[i].Name;
            map[i] = -1;
            for (int j = 0; j < source.States.Count; j++)
            {
                if (source.States[j].Name == name)
                {
                    map[i] = j;
                }
            }

            Require(map[i] >= 0, File, $"no state '{name}' of {Path.GetFileName(source.File)} for its read-only input.");
        }

        return map;
    }

    public int[] OutputDims(string name) => Session.OutputMetadata[name].Dimensions;

    public int[] InputDims(string name) => Session.InputMetadata[name].Dimensions;

    public void Dispose() => Session.Dispose();

    private static void Require(bool condition, string file, string problem)
    {
        if (!condition)
        {
            throw new ModelBundleException(file, problem);
        }
    }
}
