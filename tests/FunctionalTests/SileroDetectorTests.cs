using LeaPformer.Client.Audio;
using LeaPformer.FunctionalTests.Infrastructure;
using LeaPformer.Streaming;
using Serilog.Events;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Endpointing:Detector=silero: the server loads models/vad/silero_vad.onnx (checked against its pinned SHA-256),
/// says in its log which detector runs, and cuts the quiet real recording (-45 dBFS peak) into a segment with
/// output. Another file than the pinned one: a warning and the energy detector, or no start when required.
/// </summary>
public sealed class SileroDetectorTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string Quiet = Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealSpeech", "cathy-a0007-peak-45dbfs.wav");

    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"silero-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Fact]
    public async Task SileroTranslatesTheQuietRecordingAndTheLogSaysItRuns()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Endpointing:Detector"] = "silero" });
        using var channel = factory.CreateChannel();

        var stream = TestPcm.Concat(TestPcm.Silence(1000), WavLoader.Load(Quiet), TestPcm.Silence(2000));
        var (responses, error) = await RawStream.RunAsync(channel, [RawStream.Config(), .. RawStream.Chunks(stream)]);
        Assert.Null(error);
        var segment = Assert.Single(WireSegment.Split(responses));
        output.WriteLine($"segment at {segment.StartMs} ms, {segment.Tokens.Count} tokens");
        Assert.NotEmpty(segment.Tokens);
        Assert.InRange(segment.StartMs, 700, 1100); // the speech starts 1000 ms in; 200 ms of leading padding

        var chosen = Assert.Single(Messages(factory), m => m.StartsWith("Speech detector:", StringComparison.Ordinal));
        Assert.Contains("silero", chosen, StringComparison.Ordinal);
        Assert.Contains(LeaPformer.Streaming.SileroVadModel.PinnedSha256, chosen, StringComparison.Ordinal);
        await TestTimeouts.WaitUntilAsync(() => factory.IsDrained, TestTimeouts.Short, "every stream ended");
    }

    [Fact]
    public void TheDefaultIsSileroAndTheLogSaysSo()
    {
        using var factory = new TranslationServerFactory();
        _ = factory.Server;
        var chosen = Assert.Single(Messages(factory), m => m.StartsWith("Speech detector:", StringComparison.Ordinal));
        Assert.Contains("silero", chosen, StringComparison.Ordinal);
        Assert.Contains(SileroVadModel.PinnedSha256, chosen, StringComparison.Ordinal);
    }

    [Fact]
    public void EnergyIsChosenByName()
    {
        using var factory = new TranslationServerFactory(new Dictionary<string, string> { ["Endpointing:Detector"] = "energy" });
        _ = factory.Server;
        var chosen = Assert.Single(Messages(factory), m => m.StartsWith("Speech detector:", StringComparison.Ordinal));
        Assert.Contains("energy", chosen, StringComparison.Ordinal);
        Assert.Contains("level-relative energy rules", chosen, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherFileThanThePinnedOneFallsBackToEnergyWithAWarning()
    {
        using var factory = new TranslationServerFactory(new Dictionary<string, string>
        {
            ["Endpointing:Detector"] = "silero",
            ["Endpointing:SileroModelPath"] = AlteredCopy(),
        });
        _ = factory.Server;

        var warning = Assert.Single(factory.Logs.EventsSince(0), e => e.Level == LogEventLevel.Warning && e.RenderMessage().Contains("silero", StringComparison.Ordinal)).RenderMessage();
        output.WriteLine(warning);
        Assert.Contains("SHA-256", warning, StringComparison.Ordinal);
        Assert.Contains("energy detector runs instead", warning, StringComparison.Ordinal);
        Assert.Contains("energy", Assert.Single(Messages(factory), m => m.StartsWith("Speech detector:", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherFileThanThePinnedOneStopsTheServerWhenSileroIsRequired()
    {
        using var factory = new TranslationServerFactory(new Dictionary<string, string>
        {
            ["Endpointing:Detector"] = "silero",
            ["Endpointing:SileroModelPath"] = AlteredCopy(),
            ["Endpointing:SileroRequired"] = "true",
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        var message = string.Join(" | ", Chain(error).Select(e => e.Message));
        output.WriteLine(message);
        Assert.Contains("SileroRequired", message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpointing:Detector", "webrtc")]
    [InlineData("Endpointing:SileroThreshold", "1.5")]
    [InlineData("Endpointing:SileroNegThreshold", "0.6")]
    public void BadDetectorOptionsStopTheServerNamingTheKey(string key, string value)
    {
        using var factory = new TranslationServerFactory(new Dictionary<string, string> { [key] = value });
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        var message = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.True(message.Contains(key, StringComparison.Ordinal), message);
    }

    private static List<string> Messages(TranslationServerFactory factory) => [.. factory.Logs.EventsSince(0).Select(e => e.RenderMessage())];

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>The committed file with one byte more: loadable, but not the pinned one.</summary>
    private string AlteredCopy()
    {
        Directory.CreateDirectory(_temp);
        string path = Path.Combine(_temp, "silero_vad.onnx");
        File.Copy(Path.Combine(BundleLocator.RepositoryRoot(), "models", "vad", "silero_vad.onnx"), path);
        File.AppendAllText(path, " ");
        return path;
    }
}
