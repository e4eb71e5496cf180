using System.Runtime.InteropServices;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Server.Internal;

/// <summary>Checks one audio_content message before it reaches the model.</summary>
internal static class AudioValidator
{
    /// <summary>A human sentence saying what is wrong, or null when the bytes are whole, finite samples.</summary>
    public static string? Validate(ReadOnlySpan<byte> audio, AudioEncoding encoding)
    {
        if (encoding == AudioEncoding.Linear16)
        {
            return audio.Length % 2 == 0
                ? null
                : $"audio_content has {audio.Length} bytes; LINEAR16 needs whole 2-byte samples in every message.";
        }

        if (audio.Length % 4 != 0)
        {
            return $"audio_content has {audio.Length} bytes; FLOAT32 needs whole 4-byte samples in every message.";
        }

        var samples = MemoryMarshal.Cast<byte, float>(audio);
        for (var i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                return $"audio_content sample {i} is {samples[i]}; FLOAT32 samples must be finite (in [-1, 1]).";
            }
        }

        return null;
    }
}
