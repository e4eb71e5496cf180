using System.Globalization;

namespace LeaPformer.Streaming.Onnx;

/// <summary>Parses and validates the <c>metadata_props</c> of docs/bundle.md.</summary>
internal static class MetadataReader
{
    /// <summary>
    /// Checks model_type and version first, so a foreign or newer bundle is refused with that reason
    /// rather than with whatever key it happens to lack; then the graph role.
    /// </summary>
    public static void CheckIdentity(string file, IReadOnlyDictionary<string, string> props, string expectedGraph)
    {
        string type = Get(file, props, "model_type");
        if (type != ModelMetadata.ExpectedModelType)
        {
            throw new ModelBundleException(file, $"model_type is '{type}', expected '{ModelMetadata.ExpectedModelType}'.");
        }

        string version = Get(file, props, "version");
        if (!int.TryParse(version.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v)
            || v < ModelMetadata.OldestSupportedVersion || v > ModelMetadata.SupportedVersion)
        {
            throw new ModelBundleException(
                file, $"bundle contract version is '{version}', this runtime supports versions {ModelMetadata.OldestSupportedVersion} to {ModelMetadata.SupportedVersion} only.");
        }

        if (props.TryGetValue("graph", out string? graph) && graph != expectedGraph)
        {
            throw new ModelBundleException(file, $"metadata says graph '{graph}', expected '{expectedGraph}'.");
        }
    }

    public static ModelMetadata Parse(string file, IReadOnlyDictionary<string, string> props)
    {
        var m = new ModelMetadata(
            ModelName: props.GetValueOrDefault("model_name", ""),
            ModelType: Get(file, props, "model_type"),
            Version: Int(file, props, "version"),
            Attention: Get(file, props, "attention"),
            SampleRate: Int(file, props, "sample_rate"),
            FeatureDim: Int(file, props, "feature_dim"),
            Subsampling: Int(file, props, "subsampling"),
            FrameMs: Int(file, props, "frame_ms"),
            PreDecision: Int(file, props, "pre_decision"),
            DefaultK: Int(file, props, "default_k"),
            KMin: Int(file, props, "k_min"),
            KMax: Int(file, props, "k_max"),
            VocabSize: Int(file, props, "vocab_size"),
            BosId: Int(file, props, "bos_id"),
            EosId: Int(file, props, "eos_id"),
            PadId: Int(file, props, "pad_id"),
            UnkId: Int(file, props, "unk_id"),
            SourceLanguage: props.GetValueOrDefault("src_lang", ""),
            TargetLanguage: props.GetValueOrDefault("tgt_lang", ""),
            DModel: Int(file, props, "d_model"),
            NumHeads: OptionalInt(file, props, "num_heads"),
            HeadDim: OptionalInt(file, props, "head_dim"),
            EncoderLayers: OptionalInt(file, props, "encoder_layers"),
            DecoderLayers: OptionalInt(file, props, "decoder_layers"),
            FfnDim: OptionalInt(file, props, "ffn_dim"),
            MaxTokensBase: Double(file, props, "max_tokens_base"),
            MaxTokensPerFrame: Double(file, props, "max_tokens_per_frame"),
            Properties: new Dictionary<string, string>(props));
        Validate(file, m);
        return m;
    }

    private static void Validate(string file, ModelMetadata m)
    {
        Check(m.Attention is "leap" or "softmax", file, $"attention is '{m.Attention}', expected 'leap' or 'softmax'.");
        Check(m.SampleRate == 16000, file, $"sample_rate is {m.SampleRate}; the front end computes 16 kHz features only.");
        Check(m.FeatureDim == 80, file, $"feature_dim is {m.FeatureDim}; the front end computes 80 mel bins only.");
        Check(m.Subsampling == 4, file, $"subsampling is {m.Subsampling}; the contract fixes 4 feature frames per encoder frame.");
        Check(m.FrameMs > 0, file, $"frame_ms must be positive, is {m.FrameMs}.");
        Check(m.PreDecision >= 1, file, $"pre_decision must be >= 1, is {m.PreDecision}.");
        Check(m.KMin >= 1 && m.KMin <= m.KMax, file, $"k range {m.KMin}..{m.KMax} is empty or below 1.");
        Check(m.DefaultK >= m.KMin && m.DefaultK <= m.KMax, file, $"default_k {m.DefaultK} is outside k_min..k_max ({m.KMin}..{m.KMax}).");
        Check(m.VocabSize > 0, file, $"vocab_size must be positive, is {m.VocabSize}.");
        foreach (var (key, id) in new[] { ("bos_id", m.BosId), ("eos_id", m.EosId), ("pad_id", m.PadId), ("unk_id", m.UnkId) })
        {
            Check(id >= 0 && id < m.VocabSize, file, $"{key} {id} is outside the vocabulary of {m.VocabSize}.");
        }

        Check(m.DModel > 0, file, $"d_model must be positive, is {m.DModel}.");
        Check(m.MaxTokensBase >= 0 && m.MaxTokensPerFrame >= 0, file, "max_tokens_base and max_tokens_per_frame must be >= 0.");
    }

    private static string Get(string file, IReadOnlyDictionary<string, string> props, string key) =>
        props.TryGetValue(key, out string? value)
            ? value
            : throw new ModelBundleException(file, $"metadata_props has no '{key}'.");

    private static int Int(string file, IReadOnlyDictionary<string, string> props, string key)
    {
        string value = Get(file, props, key);
        return int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new ModelBundleException(file, $"metadata '{key}' is '{value}', expected an integer.");
    }

    private static int OptionalInt(string file, IReadOnlyDictionary<string, string> props, string key) =>
        props.ContainsKey(key) ? Int(file, props, key) : 0;

    private static double Double(string file, IReadOnlyDictionary<string, string> props, string key)
    {
        string value = Get(file, props, key);
        return double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new ModelBundleException(file, $"metadata '{key}' is '{value}', expected a number.");
    }

    private static void Check(bool condition, string file, string problem)
    {
        if (!condition)
        {
            throw new ModelBundleException(file, problem);
        }
    }
}
