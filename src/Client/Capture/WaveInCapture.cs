using System.Globalization;
using System.Runtime.Versioning;
using System.Threading.Channels;
using NAudio.Wave;

namespace LeaPformer.Client.Capture;

/// <summary>
/// Windows: NAudio's <see cref="WaveIn"/> (winmm, event callbacks; WaveInEvent before NAudio 3) recording 16-bit mono at the asked rate;
/// the driver converts from the device's own format. Buffers arrive on NAudio's thread and are
/// queued for <see cref="ReadAsync"/>.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WaveInCapture : AudioCapture
{
    // 50 ms buffers: half a 100 ms request, so a chunk is never late by more than one buffer.
    private const int BufferMilliseconds = 50;

    private readonly WaveIn _waveIn;
    private readonly Channel<byte[]> _buffers = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private ReadOnlyMemory<byte> _pending;

    private WaveInCapture(WaveIn waveIn, string description, int sampleRate)
    {
        _waveIn = waveIn;
        Description = description;
        SampleRate = sampleRate;
        _waveIn.DataAvailable += (_, e) => _buffers.Writer.TryWrite(e.Buffer.AsSpan(0, e.BytesRecorded).ToArray());
        _waveIn.RecordingStopped += (_, e) => _buffers.Writer.TryComplete(
            e.Exception is null ? null : new CaptureException($"recording from {description} stopped: {e.Exception.Message}", e.Exception));
    }

    public override string Description { get; }

    public override int SampleRate { get; }

    /// <param name="device">A device number, or part of a device's name (case-insensitive); null = the default device.</param>
    /// <exception cref="CaptureException">No such device, no device at all, or it cannot be opened.</exception>
    public static WaveInCapture Start(int sampleRate, string? device)
    {
        var names = Enumerable.Range(0, WaveIn.DeviceCount).Select(i => WaveIn.GetCapabilities(i).ProductName).ToList();
        if (names.Count == 0)
        {
            throw new CaptureException("no recording device: Windows lists no microphone (Settings > System > Sound > Input).");
        }

        var number = device is null ? -1 : FindDevice(names, device); // -1 = WAVE_MAPPER, the default device
        var waveIn = new WaveIn
        {
            DeviceNumber = number,
            WaveFormat = new WaveFormat(sampleRate, 16, 1),
            BufferMilliseconds = BufferMilliseconds,
        };
        var description = number < 0 ? "default microphone (waveIn)" : $"{names[number]} (waveIn)";
        try
        {
            var capture = new WaveInCapture(waveIn, description, sampleRate);
            waveIn.StartRecording();
            return capture;
        }
        catch (Exception ex) when (ex is NAudio.MmException or InvalidOperationException)
        {
            waveIn.Dispose();
            throw new CaptureException($"cannot record from {description} at {sampleRate} Hz: {ex.Message}", ex);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            if (!await _buffers.Reader.WaitToReadAsync(cancellationToken))
            {
                await _buffers.Reader.Completion; // rethrows the CaptureException of a failed recording
                return 0;
            }

            _pending = await _buffers.Reader.ReadAsync(cancellationToken);
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override ValueTask DisposeAsync()
    {
        _waveIn.StopRecording();
        _waveIn.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FindDevice(List<string> names, string device)
    {
        if (int.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number < names.Count)
        {
            return number;
        }

        var match = names.FindIndex(n => n.Contains(device, StringComparison.OrdinalIgnoreCase));
        return match >= 0
            ? match
            : throw new CaptureException($"no recording device matches '{device}'; the devices are: {string.Join(", ", names.Select((n, i) => $"{i}: {n}"))}.");
    }
}
