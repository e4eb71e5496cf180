using LeaPformer.Streaming.FrontEnd;
using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace LeaPformer.Streaming.Onnx;

/// <summary>Opens and validates the files of a bundle (docs/bundle.md). Every failure names the file at fault.</summary>
internal static class BundleLoader
{
    public const string EncoderFile = "encoder.onnx";
    public const string CrossFile = "cross.onnx";
    public const string DecoderFile = "decoder.onnx";
    public const string TokensFile = "tokens.txt";
    public const string CmvnFile = "cmvn.json";

    public static (string Directory, ModelMetadata Metadata, TokenTable Tokens, Cmvn Cmvn, OnnxGraphs Graphs) Load(string directory, ModelRuntimeOptions options)
    {
        string dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir))
        {
            throw new ModelBundleException(dir, "model bundle folder not found.");
        }

        foreach (string name in (string[])[EncoderFile, CrossFile, DecoderFile, TokensFile, CmvnFile])
        {
            string path = Path.Combine(dir, name);
            if (!File.Exists(path))
            {
                throw new ModelBundleException(path, $"missing: a model bundle needs {EncoderFile}, {CrossFile}, {DecoderFile}, {TokensFile} and {CmvnFile}.");
            }
        }

        var sessions = new List<InferenceSession>(3);
        try
        {
            using var sessionOptions = CreateSessionOptions(options);
            var encoder = Open(dir, EncoderFile, "encoder", sessionOptions, sessions);
            var cross = Open(dir, CrossFile, "cross", sessionOptions, sessions);
            var decoder = Open(dir, DecoderFile, "decoder", sessionOptions, sessions);

            string encoderPath = Path.Combine(dir, EncoderFile);
            var metadata = MetadataReader.Parse(encoderPath, encoder.ModelMetadata.CustomMetadataMap);
            CheckAgreement(encoderPath, metadata, Path.Combine(dir, CrossFile), cross);
            CheckAgreement(encoderPath, metadata, Path.Combine(dir, DecoderFile), decoder);

            var tokens = LoadTokens(Path.Combine(dir, TokensFile), metadata);
            string cmvnPath = Path.Combine(dir, CmvnFile);
            var cmvn = Cmvn.Load(cmvnPath);
            if (cmvn.Dim != metadata.FeatureDim)
            {
                throw new ModelBundleException(cmvnPath, $"has {cmvn.Dim} dimensions, feature_dim is {metadata.FeatureDim}.");
            }

            CheckLevelNorm(encoderPath, metadata.Properties, cmvnPath, cmvn);

            var graphs = CreateGraphs(dir, metadata, encoder, cross, decoder);
            return (dir, metadata, tokens, cmvn, graphs);
        }
        catch
        {
            foreach (var s in sessions)
            {
                s.Dispose();
            }

            throw;
        }
    }

    private static OrtSessionOptions CreateSessionOptions(ModelRuntimeOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpNumThreads, 0, nameof(options.IntraOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InterOpNumThreads, 0, nameof(options.InterOpNumThreads));
        return new OrtSessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = options.InterOpNumThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, // the graphs are a chain; parallel mode buys nothing
            EnableMemoryPattern = options.EnableMemoryPattern,
        };
    }

    private static InferenceSession Open(string dir, string name, string role, OrtSessionOptions options, List<InferenceSession> opened)
    {
        string path = Path.Combine(dir, name);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelBundleException(path, $"ONNX Runtime cannot load it: {e.Message}", e);
        }

        opened.Add(session);
        MetadataReader.CheckIdentity(path, session.ModelMetadata.CustomMetadataMap, role);
        return session;
    }

    /// <summary>The three graphs must describe one model: every shared key must have the same value.</summary>
    private static void CheckAgreement(string referenceFile, ModelMetadata reference, string file, InferenceSession session)
    {
        foreach (var (key, value) in session.ModelMetadata.CustomMetadataMap)
        {
            if (key != "graph" && reference.Properties.TryGetValue(key, out string? expected) && expected != value)
            {
                throw new ModelBundleException(file, $"metadata '{key}' is '{value}' but {Path.GetFileName(referenceFile)} says '{expected}'.");
            }
        }
    }

    /// <summary>
    /// Graphs exported with the level_norm key must agree with cmvn.json: a cmvn.json that lost its keys
    /// (an old tool rewrote it) would otherwise feed the model features of another scale. Older graphs lack
    /// the key; cmvn.json alone decides for them.
    /// </summary>
    internal static void CheckLevelNorm(string graphFile, IReadOnlyDictionary<string, string> props, string cmvnFile, Cmvn cmvn)
    {
        if (props.TryGetValue("level_norm", out string? declared) && declared.Trim() != cmvn.LevelNormName)
        {
            throw new ModelBundleException(
                cmvnFile, $"level_norm is '{cmvn.LevelNormName}' but the metadata of {Path.GetFileName(graphFile)} says '{declared}': they come from different exports.");
        }
    }

    private static TokenTable LoadTokens(string path, ModelMetadata m)
    {
        TokenTable tokens;
        try
        {
            tokens = TokenTable.Load(path, m.BosId, m.EosId, m.PadId, m.UnkId);
        }
        catch (IOException e)
        {
            throw new ModelBundleException(path, $"cannot read: {e.Message}", e);
        }

        if (tokens.Count != m.VocabSize)
        {
            throw new ModelBundleException(path, $"has {tokens.Count} pieces, vocab_size is {m.VocabSize}.");
        }

        return tokens;
    }

    private static OnnxGraphs CreateGraphs(string dir, ModelMetadata m, InferenceSession encoder, InferenceSession cross, InferenceSession decoder)
    {
        var enc = GraphSpec.Create(Path.Combine(dir, EncoderFile), encoder, [OnnxGraphs.EncoderInput], [OnnxGraphs.EncoderOutput]);
        var crs = GraphSpec.Create(Path.Combine(dir, CrossFile), cross, [OnnxGraphs.CrossInput], []);
        var crossNames = crs.States.Select(s => s.Name).ToHashSet();
        var dec = GraphSpec.Create(
            Path.Combine(dir, DecoderFile), decoder, [OnnxGraphs.DecoderToken, OnnxGraphs.DecoderPos], [OnnxGraphs.DecoderOutput], crossNames.Contains);

        CheckLastDim(enc, enc.InputDims(OnnxGraphs.EncoderInput), OnnxGraphs.EncoderInput, m.FeatureDim, "feature_dim");
        CheckLastDim(enc, enc.OutputDims(OnnxGraphs.EncoderOutput), OnnxGraphs.EncoderOutput, m.DModel, "d_model");
        CheckLastDim(crs, crs.InputDims(OnnxGraphs.CrossInput), OnnxGraphs.CrossInput, m.DModel, "d_model");
        CheckLastDim(dec, dec.OutputDims(OnnxGraphs.DecoderOutput), OnnxGraphs.DecoderOutput, m.VocabSize, "vocab_size");

        var missing = crossNames.Except(dec.ReadOnlyStates.Select(s => s.Name)).ToList();
        if (missing.Count > 0)
        {
            throw new ModelBundleException(dec.File, $"lacks the cross-attention state inputs {string.Join(", ", missing)} that {CrossFile} produces.");
        }

        foreach (var ro in dec.ReadOnlyStates)
        {
            var producer = crs.States.First(s => s.Name == ro.Name);
            if (!ro.Dims.SequenceEqual(producer.Dims))
            {
                throw new ModelBundleException(dec.File, $"input '{ro.Name}' has shape [{string.Join(", ", ro.Dims)}] but {CrossFile} has [{string.Join(", ", producer.Dims)}].");
            }
        }

        return new OnnxGraphs(enc, crs, dec);
    }

    private static void CheckLastDim(GraphSpec graph, int[] dims, string name, int expected, string key)
    {
        if (dims.Length == 0 || (dims[^1] >= 0 && dims[^1] != expected))
        {
            throw new ModelBundleException(graph.File, $"'{name}' has last dimension {(dims.Length == 0 ? "none" : dims[^1])}, {key} is {expected}.");
        }
    }
}
