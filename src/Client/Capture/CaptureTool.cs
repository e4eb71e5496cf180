using System.Diagnostics;
using System.Globalization;

namespace LeaPformer.Client.Capture;

/// <summary>A command-line recorder that writes raw 16-bit little-endian mono PCM to stdout.</summary>
/// <param name="Name">The executable's name, as looked up on PATH.</param>
/// <param name="Path">Where it was found.</param>
internal sealed record CaptureTool(string Name, string Path)
{
    /// <summary>The recorders tried on Linux and macOS, in order: ALSA, PulseAudio/PipeWire, SoX (CoreAudio on macOS).</summary>
    public static readonly IReadOnlyList<string> Names = ["arecord", "parec", "sox"];

    /// <summary>The process that records from <paramref name="device"/> (null = the default device) at <paramref name="sampleRate"/> Hz.</summary>
    public ProcessStartInfo StartInfo(int sampleRate, string? device)
    {
        var rate = sampleRate.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // not the terminal's: the CLI owns the keyboard
            UseShellExecute = false,
        };
        string[] arguments = Name switch
        {
            "arecord" => ["-q", "-f", "S16_LE", "-r", rate, "-c", "1", "-t", "raw", .. Device("-D", device)],
            "parec" => ["--format=s16le", $"--rate={rate}", "--channels=1", "--raw", .. Device("-d", device)],
            "sox" => ["-q", "-d", "-t", "raw", "-r", rate, "-e", "signed", "-b", "16", "-c", "1", "-L", "-"],
            _ => throw new InvalidOperationException($"Unknown capture tool '{Name}'."),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (Name == "sox" && device is not null)
        {
            // sox -d records from AUDIODEV when it is set.
            start.Environment["AUDIODEV"] = device;
        }

        return start;
    }

    /// <summary>"arecord -q -f S16_LE ...": the command line, for messages.</summary>
    public string CommandLine(int sampleRate, string? device) => string.Join(' ', [Name, .. StartInfo(sampleRate, device).ArgumentList]);

    private static string[] Device(string flag, string? device) => device is null ? [] : [flag, device];
}
