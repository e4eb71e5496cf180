using System.CommandLine;
using System.Globalization;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Commands;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// <c>leapformer translate</c>, its real command line run in process, against the real server on a
/// Kestrel socket: files the server would refuse are made right in the client, and a missing server
/// is reported with the address tried and how to start one.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TranslateCommandTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("leapformer-translate-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task A96KHzStereo24BitWavIsResampledAndMixedByTheClientAndTranslated()
    {
        // The sample as a studio recording: 96 kHz (above the 48 kHz the server takes), 24-bit,
        // the speech on the left and at half level on the right.
        var sample = WavLoader.Load(Path.Combine(BundleLocator.RepositoryRoot(), "samples", "to-be-at-a-loss-for-words.wav"));
        var speech = PcmResampler.Resample(Array.ConvertAll(sample.Samples, s => s / 32768f), sample.SampleRate, 96000);
        var path = Path.Combine(_scratch, "studio-96k-24bit-stereo.wav");
        WavFile.WriteStereo24(path, speech, Array.ConvertAll(speech, s => s * 0.5f), 96000);

        await using var server = new KestrelServerFactory();
        using var channel = server.CreateChannel();
        var expected = (await server.CreateClient(channel)
            .TranslateAsync(sample, new TranslateOptions(WaitK: 3, RealTime: false))
            .WaitAsync(TestTimeouts.Stream)).Segments[0].Text;

        var (code, stdout, stderr) = await RunAsync("translate", path, "--server", server.GrpcAddress.ToString(), "--k", "3", "--fast");

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("is 96000 Hz; servers take 8000..48000 Hz, so it was resampled to 16000 Hz here.", stderr, StringComparison.Ordinal);
        Assert.NotEmpty(expected);
        Assert.Contains($"  final #0: {expected}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServerNamesTheAddressAndHowToStartOne()
    {
        var url = $"http://127.0.0.1:{KestrelServerFactory.FreePort()}/"; // nobody listens there
        var sample = Path.Combine(BundleLocator.RepositoryRoot(), "samples", "to-be-at-a-loss-for-words.wav");

        var (code, _, stderr) = await RunAsync("translate", sample, "--server", url, "--fast");

        Assert.Equal(1, code);
        Assert.StartsWith($"error: no server answers at {url} (", stderr, StringComparison.Ordinal);
        Assert.Contains("./run.sh", stderr, StringComparison.Ordinal);
        Assert.Contains("dotnet src/Server/bin/Release/net10.0/LeaPformer.Server.dll", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("subchannel", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CliApp.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr })
            .WaitAsync(TestTimeouts.Stream);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
