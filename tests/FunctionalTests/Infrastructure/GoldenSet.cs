using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>The bundle's golden/*.json decodes (docs/bundle.md), computed by PyTorch.</summary>
public static class GoldenSet
{
    public static IReadOnlyList<GoldenUtterance> Load(string bundlePath)
    {
        var folder = Path.Combine(bundlePath, "golden");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"The bundle '{bundlePath}' has no golden/*.json; the functional tests need them.");
        }

        return files.Select(file =>
        {
            var utterance = JsonSerializer.Deserialize<GoldenUtterance>(File.ReadAllText(file))
                ?? throw new InvalidOperationException($"{file} is empty.");
            return utterance with { WavPath = Path.Combine(folder, utterance.Wav) };
        }).ToList();
    }
}

public sealed record GoldenUtterance(
    [property: JsonPropertyName("wav")] string Wav,
    [property: JsonPropertyName("num_samples")] int NumSamples,
    [property: JsonPropertyName("decodes")] IReadOnlyList<GoldenDecode> Decodes)
{
    [JsonIgnore]
    public string WavPath { get; init; } = "";

    public GoldenDecode Decode(int k) => Decodes.SingleOrDefault(d => d.K == k)
        ?? throw new InvalidOperationException($"{Wav}: no golden decode for k = {k}.");

    public override string ToString() => Wav;
}

public sealed record GoldenDecode(
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("tokens")] IReadOnlyList<int> Tokens,
    [property: JsonPropertyName("delays_ms")] IReadOnlyList<double> DelaysMs,
    [property: JsonPropertyName("text")] string Text);
