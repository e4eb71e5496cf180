using System.Buffers.Binary;

namespace LeaPformer.Tests.Shared;

/// <summary>
/// Writes two channels of samples in [-1, 1] as a 24-bit WAVE_FORMAT_EXTENSIBLE file, as a studio
/// recorder (or sox, for more than 16 bits) writes it. Compiled into both test projects.
/// </summary>
internal static class Stereo24Wav
{
    public static void Write(string path, ReadOnlySpan<double> left, ReadOnlySpan<double> right, int rate)
    {
        const int channels = 2, width = 3;
        var data = left.Length * channels * width;
        var bytes = new byte[68 + data];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 60 + data);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 40); // fmt chunk size, extensible
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 0xFFFE); // WAVE_FORMAT_EXTENSIBLE
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], rate * channels * width);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], channels * width); // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 24);
        BinaryPrimitives.WriteInt16LittleEndian(span[36..], 22); // extension size
        BinaryPrimitives.WriteInt16LittleEndian(span[38..], 24); // valid bits
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], 3); // front left | front right
        new Guid("00000001-0000-0010-8000-00aa00389b71").TryWriteBytes(span[44..]); // KSDATAFORMAT_SUBTYPE_PCM
        "data"u8.CopyTo(span[60..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[64..], data);
        var at = 68;
        for (var i = 0; i < left.Length; i++)
        {
            foreach (var value in (ReadOnlySpan<double>)[left[i], right[i]])
            {
                var sample = (int)Math.Clamp(Math.Round(value * 8388608), -8388608, 8388607);
                span[at++] = (byte)sample;
                span[at++] = (byte)(sample >> 8);
                span[at++] = (byte)(sample >> 16);
            }
        }

        File.WriteAllBytes(path, bytes);
    }
}
