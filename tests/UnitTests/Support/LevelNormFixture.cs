using System.Text.Json;
using System.Text.Json.Serialization;
using LeaPformer.Streaming.FrontEnd;

namespace LeaPformer.UnitTests.Support;

/// <summary>
/// Fixtures/LevelNorm, written by training/local/make_level_fixture.py: a golden utterance (loud.wav),
/// its copy at a -45 dBFS peak (quiet.wav), cmvn.json with "level_norm": "peak", and the levelled,
/// CMVN'd features PyTorch computed for both (features.json).
/// </summary>
internal sealed class LevelNormFixture
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "LevelNorm");

    [JsonPropertyName("source")]
    public required string Source { get; init; }

    [JsonPropertyName("loud")]
    public required LevelNormCopy Loud { get; init; }

    [JsonPropertyName("quiet")]
    public required LevelNormCopy Quiet { get; init; }

    [JsonIgnore]
    public Cmvn Cmvn { get; private set; } = null!;

    public static LevelNormFixture Load()
    {
        var fixture = JsonSerializer.Deserialize<LevelNormFixture>(File.ReadAllBytes(Path.Combine(Directory, "features.json")))
            ?? throw new InvalidOperationException("features.json is empty.");
        fixture.Cmvn = Cmvn.Load(Path.Combine(Directory, "cmvn.json"));
        fixture.Loud.Samples = Golden.ReadWav(Path.Combine(Directory, fixture.Loud.Wav)).Samples;
        fixture.Quiet.Samples = Golden.ReadWav(Path.Combine(Directory, fixture.Quiet.Wav)).Samples;
        return fixture;
    }
}

/// <summary>One WAV of the fixture and PyTorch's features of it.</summary>
internal sealed class LevelNormCopy
{
    [JsonPropertyName("wav")]
    public required string Wav { get; init; }

    [JsonPropertyName("num_samples")]
    public required int NumSamples { get; init; }

    [JsonPropertyName("peak_dbfs")]
    public required double PeakDbfs { get; init; }

    /// <summary>Levelled and CMVN'd features, L x 80.</summary>
    [JsonPropertyName("features")]
    public required float[][] Features { get; init; }

    [JsonIgnore]
    public float[] Samples { get; set; } = [];

    public override string ToString() => Wav;
}
