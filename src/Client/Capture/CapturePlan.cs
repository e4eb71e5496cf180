using System.Globalization;

namespace LeaPformer.Client.Capture;

/// <summary>
/// The capture source chosen for a request, not started yet: <c>--stdin</c>; else on Windows
/// waveIn; else the first of arecord, parec, sox on PATH. Choosing fails early (before the
/// server is called) when there is nothing to record with.
/// </summary>
internal sealed class CapturePlan
{
    private readonly Func<AudioCapture> _start;

    private CapturePlan(string description, Func<AudioCapture> start)
    {
        Description = description;
        _start = start;
    }

    public string Description { get; }

    /// <exception cref="CaptureException">Nothing to record with; the message says what to install.</exception>
    public static CapturePlan Choose(CaptureRequest request, CaptureEnvironment environment)
    {
        var rate = request.SampleRate.ToString(CultureInfo.InvariantCulture);
        if (request.Stdin)
        {
            var description = $"stdin (16-bit PCM, {rate} Hz)";
            return new CapturePlan(description, () => new StreamCapture(environment.OpenStdin(), request.SampleRate, description));
        }

        if (environment.IsWindows ?? OperatingSystem.IsWindows())
        {
            return new CapturePlan("waveIn", () => OperatingSystem.IsWindows()
                ? WaveInCapture.Start(request.SampleRate, request.Device)
                : throw new CaptureException("waveIn capture exists only on Windows."));
        }

        var tool = CaptureToolDetector.Find(environment.SearchPath)
            ?? throw new CaptureException(
                "no audio capture tool found: on Linux and macOS `leapformer mic` records with the first of " +
                "arecord (Debian/Ubuntu: apt-get install alsa-utils), parec (pulseaudio-utils) or sox (apt-get install sox; " +
                "macOS: brew install sox) on PATH. Install one, or pipe raw 16-bit little-endian mono PCM into " +
                $"`leapformer mic --stdin --rate {rate}`.");
        return new CapturePlan(tool.CommandLine(request.SampleRate, request.Device), () => ProcessCapture.Start(tool, request.SampleRate, request.Device));
    }

    /// <exception cref="CaptureException">The source cannot be opened.</exception>
    public AudioCapture Start() => _start();
}
