using LeaPformer.Streaming.FrontEnd;
using LeaPformer.Streaming.Onnx;

namespace LeaPformer.Streaming;

/// <summary>
/// A loaded model bundle (docs/bundle.md): the three ONNX sessions, their metadata, the
/// vocabulary and the front end's normalisation (cmvn.json). Long-lived and shared by every stream; thread-safe.
/// </summary>
public sealed class ModelBundle : IDisposable
{
    private ModelBundle(string directory, ModelMetadata metadata, TokenTable tokens, Cmvn cmvn, OnnxGraphs graphs)
    {
        Directory = directory;
        Metadata = metadata;
        Tokens = tokens;
        Cmvn = cmvn;
        Graphs = graphs;
    }

    /// <summary>The folder the bundle was loaded from (full path).</summary>
    public string Directory { get; }

    public ModelMetadata Metadata { get; }

    public TokenTable Tokens { get; }

    /// <summary>The front end's level normalisation before CMVN (cmvn.json's level_norm).</summary>
    public LevelNormalization LevelNormalization => Cmvn.LevelNorm;

    internal Cmvn Cmvn { get; }

    internal OnnxGraphs Graphs { get; }

    /// <summary>Opens and validates a bundle.</summary>
    /// <exception cref="ModelBundleException">A file is missing or unreadable, or its content breaks the contract; the message names the file.</exception>
    public static ModelBundle Load(string directory, ModelRuntimeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var (full, metadata, tokens, cmvn, graphs) = BundleLoader.Load(directory, options ?? ModelRuntimeOptions.Default);
        return new ModelBundle(full, metadata, tokens, cmvn, graphs);
    }

    public void Dispose() => Graphs.Dispose();
}
