using System.Text;
using LeaPformer.Streaming;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class ModelBundleTests(BundleFixture fixture) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("leapformer-bundle-").FullName;

    [Fact]
    public void Metadata_is_parsed_from_the_graphs()
    {
        var m = fixture.Bundle.Metadata;
        Assert.Equal("leapformer-s2t", m.ModelType);
        Assert.Equal(1, m.Version);
        Assert.Equal(16000, m.SampleRate);
        Assert.Equal(80, m.FeatureDim);
        Assert.Equal(4, m.Subsampling);
        Assert.Equal(m.VocabSize, fixture.Bundle.Tokens.Count);
        Assert.InRange(m.DefaultK, m.KMin, m.KMax);
        Assert.Equal(m.VocabSize, fixture.Bundle.Tokens.Count);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        string path = Path.Combine(_scratch, "no-such-bundle");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData("encoder.onnx")]
    [InlineData("cross.onnx")]
    [InlineData("decoder.onnx")]
    [InlineData("tokens.txt")]
    [InlineData("cmvn.json")]
    public void A_missing_file_is_named(string file)
    {
        string dir = CopyBundle();
        File.Delete(Path.Combine(dir, file));
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains(file, e.Message);
        Assert.EndsWith(file, e.FilePath);
    }

    [Theory]
    [InlineData("encoder.onnx")]
    [InlineData("decoder.onnx")]
    public void A_foreign_model_type_is_refused(string file)
    {
        string dir = CopyBundle();

        // Same length, so the protobuf length prefixes stay valid.
        PatchMetadata(Path.Combine(dir, file), "model_type", "leapformer-s2t", "leapformer-xyz");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains(file, e.Message);
        Assert.Contains("model_type", e.Message);
        Assert.Contains("leapformer-xyz", e.Message);
    }

    [Fact]
    public void An_unknown_version_is_refused()
    {
        string dir = CopyBundle();
        PatchMetadata(Path.Combine(dir, "cross.onnx"), "version", "1", "9");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains("cross.onnx", e.Message);
        Assert.Contains("version", e.Message);
    }

    [Fact]
    public void A_vocabulary_of_the_wrong_size_is_refused()
    {
        string dir = CopyBundle();
        string tokens = Path.Combine(dir, "tokens.txt");
        File.WriteAllLines(tokens, File.ReadAllLines(tokens).SkipLast(1));
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains("tokens.txt", e.Message);
    }

    [Fact]
    public void Broken_cmvn_is_refused()
    {
        string dir = CopyBundle();
        File.WriteAllText(Path.Combine(dir, "cmvn.json"), "{\"mean\": [1, 2]}");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains("cmvn.json", e.Message);
    }

    [Fact]
    public void An_unknown_level_norm_is_refused()
    {
        string dir = CopyBundle();
        WriteCmvn(dir, ", \"level_norm\": \"rms\"");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.EndsWith("cmvn.json", e.FilePath);
        Assert.Contains("rms", e.Message);
    }

    [Fact]
    public void Level_norm_of_the_graphs_must_agree_with_cmvn_json()
    {
        Assert.Equal(LevelNormalization.None, fixture.Bundle.LevelNormalization);
        string dir = CopyBundle();
        foreach (string file in (string[])["encoder.onnx", "cross.onnx", "decoder.onnx"])
        {
            // As export_onnx.py writes a level-normalised bundle.
            PatchMetadata(Path.Combine(dir, file), "version", "1", "2");
            AppendMetadata(Path.Combine(dir, file), "level_norm", "peak");
        }

        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.EndsWith("cmvn.json", e.FilePath);
        Assert.Contains("level_norm", e.Message);

        WriteCmvn(dir, ", \"level_norm\": \"peak\", \"level_decay\": 0.005");
        using var bundle = ModelBundle.Load(dir);
        Assert.Equal(LevelNormalization.Peak, bundle.LevelNormalization);
        Assert.Equal(2, bundle.Metadata.Version);
        Assert.Equal("peak", bundle.Metadata.Properties["level_norm"]);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused()
    {
        string dir = CopyBundle();
        File.WriteAllText(Path.Combine(dir, "decoder.onnx"), "not a model");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains("decoder.onnx", e.Message);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private string CopyBundle()
    {
        string dir = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (string file in (string[])["encoder.onnx", "cross.onnx", "decoder.onnx", "tokens.txt", "cmvn.json"])
        {
            File.Copy(Path.Combine(fixture.Bundle.Directory, file), Path.Combine(dir, file));
        }

        return dir;
    }

    /// <summary>The test bundle's cmvn.json with extra keys (JSON text after its last value, starting with a comma).</summary>
    private void WriteCmvn(string dir, string extraKeys)
    {
        string text = File.ReadAllText(Path.Combine(fixture.Bundle.Directory, "cmvn.json")).TrimEnd();
        Assert.EndsWith("}", text);
        File.WriteAllText(Path.Combine(dir, "cmvn.json"), text[..^1] + extraKeys + "}");
    }

    /// <summary>Adds a metadata_props entry (ModelProto field 14) at the end of the file: protobuf concatenates repeated fields.</summary>
    private static void AppendMetadata(string path, string key, string value)
    {
        byte[] entry = [0x0A, (byte)key.Length, .. Encoding.UTF8.GetBytes(key), 0x12, (byte)value.Length, .. Encoding.UTF8.GetBytes(value)];
        using var file = new FileStream(path, FileMode.Append);
        file.Write([(14 << 3) | 2, (byte)entry.Length, .. entry]);
    }

    /// <summary>Rewrites one metadata_props entry (StringStringEntryProto: 0x0A len key 0x12 len value) in place.</summary>
    private static void PatchMetadata(string path, string key, string value, string replacement)
    {
        Assert.Equal(value.Length, replacement.Length);
        byte[] model = File.ReadAllBytes(path);
        byte[] entry = [0x0A, (byte)key.Length, .. Encoding.UTF8.GetBytes(key), 0x12, (byte)value.Length, .. Encoding.UTF8.GetBytes(value)];
        int at = model.AsSpan().IndexOf(entry);
        Assert.True(at >= 0, $"{path} has no metadata entry {key}={value}");
        Encoding.UTF8.GetBytes(replacement).CopyTo(model, at + entry.Length - value.Length);
        File.WriteAllBytes(path, model);
    }
}
