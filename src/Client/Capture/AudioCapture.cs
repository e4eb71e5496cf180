namespace LeaPformer.Client.Capture;

/// <summary>
/// A running audio source: 16-bit signed little-endian mono PCM at <see cref="SampleRate"/>,
/// read as it is recorded. Disposing it stops the recording.
/// </summary>
internal abstract class AudioCapture : IAsyncDisposable
{
    /// <summary>What is recording, for the display (e.g. "arecord (default device)").</summary>
    public abstract string Description { get; }

    public abstract int SampleRate { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes as they arrive; 0 at the end of the input.</summary>
    /// <exception cref="CaptureException">The source failed (a capture tool exited with an error, a device went away).</exception>
    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Fills <paramref name="buffer"/> unless the input ends first; returns the bytes read, rounded
    /// down to whole 16-bit samples (a trailing odd byte of a cut-off stream is dropped).
    /// </summary>
    public async ValueTask<int> ReadChunkAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled & ~1;
    }
}
