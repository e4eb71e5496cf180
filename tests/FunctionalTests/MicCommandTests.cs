using System.CommandLine;
using System.Globalization;
using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Capture;
using LeaPformer.Client.Commands;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// <c>leapformer mic</c>'s real command line, run in process against the real in-process server,
/// with its capture fed from a WAV's PCM (<c>--stdin</c>, or a stand-in recorder script on PATH):
/// there is no microphone here. Its output is redirected, so it prints plain lines.
/// </summary>
public sealed class MicCommandTests(SharedServer server) : ServerTest(server)
{
    // Trailing silence, as a speaker pauses before Ctrl+C; long enough for a server with endpointing to end the segment.
    private const int TrailingSilenceMs = 2000;

    [Theory]
    [InlineData(16000, 3)]
    [InlineData(22050, 5)] // resampled by the server, as a recorder at another rate would need
    public async Task Stdin_pcm_of_a_wav_prints_its_translation(int rate, int k)
    {
        var audio = WithSilence(Resample(WavLoader.Load(Golden[0].WavPath), rate), TrailingSilenceMs);
        var expected = await TranslateAsync(audio, new TranslateOptions(WaitK: k, RealTime: false));
        Assert.NotEmpty(expected.Segments);
        Assert.All(expected.Segments, s => Assert.True(s.IsFinal && s.Text.Length > 0, $"segment #{s.Index} of the expectation is empty or not final"));

        var (code, stdout, stderr) = await RunMicAsync(
            new CaptureEnvironment(() => new MemoryStream(audio.Linear16(0, audio.Samples.Length)), SearchPath: ""),
            "--stdin", "--rate", Invariant(rate), "--wait-k", Invariant(k));

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Equal("", stderr);
        Assert.Contains(Invariant($"mic: stdin (16-bit PCM, {rate} Hz) -> {SharedServerUrl}, model "), stdout, StringComparison.Ordinal);
        Assert.Contains(Invariant($"k = {k};"), stdout, StringComparison.Ordinal);
        foreach (var segment in expected.Segments)
        {
            Assert.Contains(Invariant($"  final #{segment.Index}: {segment.Text}{Environment.NewLine}"), stdout, StringComparison.Ordinal);
        }

        Assert.Contains(Invariant($"input ended: {audio.DurationMs / 1000:0.0} s of audio, {expected.Segments.Count} segment(s), {expected.Segments.Count} final"), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_k_is_the_servers_and_is_shown()
    {
        var audio = WavLoader.Load(Golden[1].WavPath);
        var expected = await TranslateAsync(audio, new TranslateOptions(WaitK: 0, RealTime: false));

        var (code, stdout, stderr) = await RunMicAsync(
            new CaptureEnvironment(() => new MemoryStream(audio.Linear16(0, audio.Samples.Length)), SearchPath: ""), "--stdin");

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Contains(Invariant($"k = {Server.Model.DefaultWaitK} (the server's default)"), stdout, StringComparison.Ordinal);
        Assert.Contains($"  final #0: {expected.Segments[0].Text}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_capture_tool_it_says_what_to_install_and_exits_2()
    {
        using var empty = new TempFolder();
        foreach (var searchPath in new[] { "", empty.Path })
        {
            var (code, stdout, stderr) = await RunMicAsync(new CaptureEnvironment(ThrowingStdin, SearchPath: searchPath, IsWindows: false));

            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.StartsWith("error: no audio capture tool found", stderr, StringComparison.Ordinal);
            foreach (var hint in new[] { "arecord", "alsa-utils", "parec", "sox", "--stdin --rate 16000" })
            {
                Assert.Contains(hint, stderr, StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, Server.Limiter.Active);
    }

    [Fact]
    public async Task A_recorder_is_run_with_raw_16_bit_mono_arguments_and_streamed()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows records through waveIn, not a recorder on PATH.
        }

        using var folder = new TempFolder();
        var audio = WithSilence(WavLoader.Load(Golden[2].WavPath), TrailingSilenceMs);
        var pcm = Path.Combine(folder.Path, "speech.pcm");
        File.WriteAllBytes(pcm, audio.Linear16(0, audio.Samples.Length));
        var arguments = Path.Combine(folder.Path, "arguments.txt");
        // A stand-in for arecord: records its arguments, then "records" the file and exits 0.
        WriteScript(folder, "arecord", $"printf '%s\\n' \"$@\" > '{arguments}'\nexec cat '{pcm}'\n");
        WriteScript(folder, "sox", "echo 'sox must not be chosen before arecord' >&2\nexit 1\n");
        var expected = await TranslateAsync(audio, new TranslateOptions(WaitK: 3, RealTime: false));

        var (code, stdout, stderr) = await RunMicAsync(new CaptureEnvironment(ThrowingStdin, SearchPath: folder.Path, IsWindows: false), "-k", "3", "--device", "hw:1,0");

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Equal(["-q", "-f", "S16_LE", "-r", "16000", "-c", "1", "-t", "raw", "-D", "hw:1,0"], File.ReadAllLines(arguments));
        Assert.Contains("mic: arecord -q -f S16_LE -r 16000 -c 1 -t raw -D hw:1,0 -> ", stdout, StringComparison.Ordinal);
        foreach (var segment in expected.Segments)
        {
            Assert.Contains($"  final #{segment.Index.ToString(CultureInfo.InvariantCulture)}: {segment.Text}", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_failing_recorder_is_reported_with_its_stderr_and_exits_2()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var folder = new TempFolder();
        WriteScript(folder, "parec", "echo 'Connection failure: Connection refused' >&2\necho 'pa_context_connect() failed.' >&2\nexit 1\n");

        var (code, _, stderr) = await RunMicAsync(new CaptureEnvironment(ThrowingStdin, SearchPath: folder.Path, IsWindows: false));

        Assert.Equal(2, code);
        Assert.Contains("error: parec --format=s16le --rate=16000 --channels=1 --raw failed with exit code 1: Connection failure: Connection refused", stderr, StringComparison.Ordinal);
        Assert.Contains("pa_context_connect() failed.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_and_exits_1()
    {
        var url = Invariant($"http://127.0.0.1:{KestrelServerFactory.FreePort()}");
        var (code, stdout, stderr) = await RunMicAsync(
            new CaptureEnvironment(ThrowingStdin, SearchPath: ""), uri => GrpcChannel.ForAddress(uri), "--stdin", "--server", url);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"error: no server answers at {url}/ (", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate", "4000", "--rate must be 8000..48000 Hz.")]
    [InlineData("--wait-k", "-2", "--wait-k must be -1 (offline), 0 (the server's default) or a lag of 1 or more.")]
    public async Task Bad_options_are_refused(string option, string value, string message)
    {
        var (code, _, stderr) = await RunMicAsync(new CaptureEnvironment(ThrowingStdin, SearchPath: ""), "--stdin", option, value);

        Assert.NotEqual(0, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    private static Uri SharedServerUrl => new(CliApp.DefaultServer);

    private Task<(int Code, string Stdout, string Stderr)> RunMicAsync(CaptureEnvironment environment, params string[] args)
        => RunMicAsync(environment, _ => Server.CreateChannel(), args);

    private static async Task<(int Code, string Stdout, string Stderr)> RunMicAsync(
        CaptureEnvironment environment, Func<Uri, GrpcChannel> openChannel, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var root = new RootCommand { MicCommand.Create(openChannel, environment) };
        var code = await root.Parse(["mic", .. args])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr })
            .WaitAsync(TestTimeouts.Stream);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static Stream ThrowingStdin() => throw new InvalidOperationException("stdin must not be read without --stdin");

    private static PcmAudio Resample(PcmAudio audio, int rate) => audio.SampleRate == rate ? audio : Resampler.To(audio, rate);

    private static PcmAudio WithSilence(PcmAudio audio, int ms)
        => audio with { Samples = [.. audio.Samples, .. new short[audio.SampleRate * ms / 1000]] };

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void WriteScript(TempFolder folder, string name, string body)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("leapformer-mic-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
