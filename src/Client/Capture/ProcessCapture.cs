using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace LeaPformer.Client.Capture;

/// <summary>
/// A <see cref="CaptureTool"/> running as a child process: its stdout is the PCM, its stderr is
/// kept for the message when it fails. Disposing kills it.
/// </summary>
internal sealed class ProcessCapture : AudioCapture
{
    // Enough of a recorder's complaint to say why ("audio open error: No such file or directory").
    private const int StderrLimit = 4096;

    private static readonly TimeSpan InterruptGrace = TimeSpan.FromMilliseconds(300);

    private readonly Process _process;
    private readonly Stream _pcm;
    private readonly Task<string> _stderr;
    private readonly string _commandLine;
    private bool _disposed;

    private ProcessCapture(Process process, int sampleRate, string commandLine)
    {
        _process = process;
        _pcm = process.StandardOutput.BaseStream;
        _stderr = ReadLimitedAsync(process.StandardError);
        _commandLine = commandLine;
        SampleRate = sampleRate;
    }

    /// <summary>The recorder's command line, e.g. "arecord -q -f S16_LE -r 16000 -c 1 -t raw".</summary>
    public override string Description => _commandLine;

    public override int SampleRate { get; }

    /// <exception cref="CaptureException">The tool cannot be started.</exception>
    public static ProcessCapture Start(CaptureTool tool, int sampleRate, string? device)
    {
        var start = tool.StartInfo(sampleRate, device);
        var commandLine = tool.CommandLine(sampleRate, device);
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new CaptureException($"cannot start {tool.Path}: {ex.Message}", ex);
        }

        if (process is null)
        {
            throw new CaptureException($"cannot start {tool.Path}.");
        }

        process.StandardInput.Close();
        return new ProcessCapture(process, sampleRate, commandLine);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _pcm.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(cancellationToken);
        if (read > 0)
        {
            return read;
        }

        // The recorder closed its output by itself: fine if it exited with 0 (e.g. sox at a set
        // duration), else a failure whose stderr says why (no device, device busy, no permission).
        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            // The terminal's Ctrl+C reaches the recorder too (same process group), and it may exit
            // a moment before our own stop token fires: a stop within this grace is a stop, not a failure.
            await Task.Delay(InterruptGrace, cancellationToken);
            var stderr = (await _stderr).Trim();
            throw new CaptureException(
                $"{_commandLine} failed with exit code {_process.ExitCode}" + (stderr.Length > 0 ? $": {stderr}" : " and printed nothing."));
        }

        return 0;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or TimeoutException)
        {
            // Already gone, or not ours to wait for any more: nothing left to stop.
        }

        _process.Dispose();
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            // Keep the first part; drain the rest so the tool never blocks on a full stderr pipe.
            text.Append(buffer, 0, Math.Min(read, Math.Max(0, StderrLimit - text.Length)));
        }

        return text.ToString();
    }
}
