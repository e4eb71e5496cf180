using System.Text.Json;
using System.Text.Json.Serialization;
using NAudio.Wave;

namespace LeaPformer.UnitTests.Support;

/// <summary>One golden/&lt;name&gt;.json of docs/bundle.md plus its WAV, as PyTorch computed them.</summary>
public sealed class Golden
{
    [JsonPropertyName("wav")]
    public required string Wav { get; init; }

    [JsonPropertyName("num_samples")]
    public required int NumSamples { get; init; }

    /// <summary>Raw fbank (before CMVN), L x 80.</summary>
    [JsonPropertyName("fbank")]
    public required float[][] Fbank { get; init; }

    /// <summary>Encoder output streamed in 4P-frame units, (L / 4) x d_model.</summary>
    [JsonPropertyName("encoder_frames")]
    public required float[][] EncoderFrames { get; init; }

    [JsonPropertyName("decodes")]
    public required GoldenDecode[] Decodes { get; init; }

    [JsonIgnore]
    public string Name { get; private set; } = "";

    /// <summary>The WAV's samples in [-1, 1) (16 kHz mono 16-bit).</summary>
    [JsonIgnore]
    public float[] Samples { get; private set; } = [];

    /// <summary>The WAV's raw little-endian 16-bit PCM bytes.</summary>
    [JsonIgnore]
    public byte[] Pcm { get; private set; } = [];

    public static IReadOnlyList<Golden> LoadAll(string directory)
    {
        var files = System.IO.Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"No golden/*.json in {directory}.");
        }

        return files.Select(Load).ToList();
    }

    public static Golden Load(string jsonPath)
    {
        var golden = JsonSerializer.Deserialize<Golden>(File.ReadAllBytes(jsonPath))
            ?? throw new InvalidOperationException($"{jsonPath} is empty.");
        golden.Name = Path.GetFileNameWithoutExtension(jsonPath);
        (golden.Pcm, golden.Samples) = ReadWav(Path.Combine(Path.GetDirectoryName(jsonPath)!, golden.Wav));
        return golden;
    }

    /// <summary>A 16 kHz mono 16-bit WAV: its raw PCM bytes and its samples in [-1, 1) (sample / 32768).</summary>
    public static (byte[] Pcm, float[] Samples) ReadWav(string wavPath)
    {
        using var reader = new WaveFileReader(wavPath);
        if (reader.WaveFormat.SampleRate != 16000 || reader.WaveFormat.Channels != 1 || reader.WaveFormat.BitsPerSample != 16)
        {
            throw new InvalidOperationException($"{wavPath}: expected 16 kHz mono 16-bit PCM, got {reader.WaveFormat}.");
        }

        var pcm = new byte[reader.Length];
        reader.ReadExactly(pcm);
        var samples = new float[pcm.Length / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BitConverter.ToInt16(pcm, 2 * i) / 32768f;
        }

        return (pcm, samples);
    }

    public override string ToString() => Name;
}

public sealed class GoldenDecode
{
    /// <summary>Wait-k lag; -1 = offline.</summary>
    [JsonPropertyName("k")]
    public required int K { get; init; }

    [JsonPropertyName("tokens")]
    public required int[] Tokens { get; init; }

    [JsonPropertyName("delays_ms")]
    public required double[] DelaysMs { get; init; }

    [JsonPropertyName("text")]
    public required string Text { get; init; }
}
