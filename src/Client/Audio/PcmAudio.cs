namespace LeaPformer.Client.Audio;

/// <summary>Mono 16-bit PCM at its own sample rate: what the client streams.</summary>
public sealed record PcmAudio(short[] Samples, int SampleRate)
{
    public double DurationMs => Samples.Length * 1000.0 / SampleRate;

    /// <summary>Samples [<paramref name="start"/>, +<paramref name="count"/>) as little-endian LINEAR16 bytes.</summary>
    public byte[] Linear16(int start, int count)
    {
        var bytes = new byte[count * 2];
        for (var i = 0; i < count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), Samples[start + i]);
        }

        return bytes;
    }

    /// <summary>Samples [<paramref name="start"/>, +<paramref name="count"/>) as little-endian FLOAT32 bytes in [-1, 1).</summary>
    public byte[] Float32(int start, int count)
    {
        var bytes = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), Samples[start + i] / 32768f);
        }

        return bytes;
    }
}
