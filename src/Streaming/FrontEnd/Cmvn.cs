using System.Text.Json;

namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// The feature normalisation of cmvn.json: the optional level normalisation of the raw fbank
/// (<c>level_norm</c>, <c>level_decay</c>), then global CMVN x = (fbank - mean) * istd, per dimension.
/// Shared by every stream; the level tracker's state is per stream (<see cref="CreateLevelNormalizer"/>).
/// </summary>
internal sealed class Cmvn
{
    /// <summary>level_decay when cmvn.json has none (training's LEVEL_DECAY), nats per 10 ms frame.</summary>
    public const double DefaultLevelDecay = 0.005;

    public Cmvn(float[] mean, float[] istd, LevelNormalization levelNorm = LevelNormalization.None, double levelDecay = DefaultLevelDecay)
    {
        if (mean.Length != istd.Length)
        {
            throw new ArgumentException($"CMVN mean has {mean.Length} values but istd has {istd.Length}.");
        }

        if (!double.IsFinite(levelDecay) || levelDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(levelDecay), levelDecay, "The level decay must be a finite value >= 0.");
        }

        Mean = mean;
        Istd = istd;
        LevelNorm = levelNorm;
        LevelDecay = levelDecay;
    }

    public float[] Mean { get; }

    public float[] Istd { get; }

    public int Dim => Mean.Length;

    public LevelNormalization LevelNorm { get; }

    /// <summary>Nats per 10 ms frame the level peak may fall; used with <see cref="LevelNormalization.Peak"/> only.</summary>
    public double LevelDecay { get; }

    /// <summary>level_norm as cmvn.json spells it.</summary>
    public string LevelNormName => Name(LevelNorm);

    public static string Name(LevelNormalization levelNorm) => levelNorm switch
    {
        LevelNormalization.Peak => "peak",
        _ => "none",
    };

    /// <summary>A fresh per-stream level tracker, or null when the bundle has no level normalisation.</summary>
    public LevelNormalizer? CreateLevelNormalizer() =>
        LevelNorm == LevelNormalization.Peak ? new LevelNormalizer(LevelDecay) : null;

    /// <summary>Reads {"mean": [..], "istd": [..]} and the optional "level_norm" ("none" | "peak"; absent = none) and "level_decay".</summary>
    /// <exception cref="ModelBundleException">Missing file, bad JSON, missing keys, non-finite values, or a level_norm this runtime does not know.</exception>
    public static Cmvn Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            float[] mean = ReadArray(doc.RootElement, "mean", path);
            float[] istd = ReadArray(doc.RootElement, "istd", path);
            if (mean.Length != istd.Length)
            {
                throw new ModelBundleException(path, $"\"mean\" has {mean.Length} values but \"istd\" has {istd.Length}.");
            }

            var levelNorm = ReadLevelNorm(doc.RootElement, path);
            double decay = ReadLevelDecay(doc.RootElement, path);
            return new Cmvn(mean, istd, levelNorm, decay);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ModelBundleException(path, $"cannot read CMVN statistics: {e.Message}", e);
        }
    }

    /// <summary>Normalises one feature row in place; float arithmetic as PyTorch does it.</summary>
    public void Apply(Span<float> row)
    {
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (row[i] - Mean[i]) * Istd[i];
        }
    }

    private static LevelNormalization ReadLevelNorm(JsonElement root, string path)
    {
        if (!root.TryGetProperty("level_norm", out var value))
        {
            return LevelNormalization.None; // every bundle before the key
        }

        string? name = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return name switch
        {
            "none" => LevelNormalization.None,
            "peak" => LevelNormalization.Peak,
            _ => throw new ModelBundleException(
                path, $"\"level_norm\" is {value.GetRawText()}; this runtime knows \"none\" and \"peak\" only (docs/bundle.md)."),
        };
    }

    private static double ReadLevelDecay(JsonElement root, string path)
    {
        if (!root.TryGetProperty("level_decay", out var value))
        {
            return DefaultLevelDecay;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double decay) || !double.IsFinite(decay) || decay < 0)
        {
            throw new ModelBundleException(path, $"\"level_decay\" is {value.GetRawText()}, expected a number >= 0 (nats per 10 ms frame).");
        }

        return decay;
    }

    private static float[] ReadArray(JsonElement root, string key, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new ModelBundleException(path, $"expected an array \"{key}\".");
        }

        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            float v = item.GetSingle();
            if (!float.IsFinite(v))
            {
                throw new ModelBundleException(path, $"\"{key}\"[{i}] is not finite.");
            }

            values[i++] = v;
        }

        return values;
    }
}
