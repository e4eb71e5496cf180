using System.Buffers.Binary;
using LeaPformer.Client.Audio;
using LeaPformer.Tests.Shared;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Writes test WAV files.</summary>
public static class WavFile
{
    /// <summary>Mono 16-bit PCM as a canonical 44-byte-header WAV (what Chromium's fake microphone reads).</summary>
    public static void Write(string path, PcmAudio audio)
    {
        var data = audio.Samples.Length * 2;
        var bytes = new byte[44 + data];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16); // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], audio.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], audio.SampleRate * 2); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2); // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16); // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data);
        for (var i = 0; i < audio.Samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (2 * i))..], audio.Samples[i]);
        }

        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Two channels of floats in [-1, 1] at <paramref name="rate"/> as a 24-bit WAVE_FORMAT_EXTENSIBLE
    /// file, as a studio recorder (or sox, for more than 16 bits) writes it.
    /// </summary>
    public static void WriteStereo24(string path, float[] left, float[] right, int rate) =>
        Stereo24Wav.Write(path, Array.ConvertAll(left, v => (double)v), Array.ConvertAll(right, v => (double)v), rate);
}
