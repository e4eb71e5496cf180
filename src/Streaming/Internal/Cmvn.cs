using System.Text.Json;

namespace LeaPformer.Streaming.Internal;

/// <summary>Global CMVN from cmvn.json: x = (fbank - mean) * istd, per dimension.</summary>
internal sealed class Cmvn
{
    public Cmvn(float[] mean, float[] istd)
    {
        if (mean.Length != istd.Length)
        {
            throw new ArgumentException($"CMVN mean has {mean.Length} values but istd has {istd.Length}.");
        }

        Mean = mean;
        Istd = istd;
    }

    public float[] Mean { get; }

    public float[] Istd { get; }

    public int Dim => Mean.Length;

    /// <summary>Reads {"mean": [..], "istd": [..]}.</summary>
    /// <exception cref="ModelBundleException">Missing file, bad JSON, missing keys or non-finite values.</exception>
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

            return new Cmvn(mean, istd);
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
