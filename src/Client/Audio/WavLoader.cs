using NAudio.Wave;

namespace LeaPformer.Client.Audio;

/// <summary>Reads a WAV file of any rate, width and channel count as mono 16-bit PCM at its own rate.</summary>
public static class WavLoader
{
    public static PcmAudio Load(string path)
    {
        using var reader = new WaveFileReader(path);
        var channels = reader.WaveFormat.Channels;
        var provider = reader.ToSampleProvider(); // PCM 8/16/24/32-bit and IEEE float, as floats in [-1, 1]
        var mono = new List<short>((int)(reader.SampleCount > 0 ? Math.Min(reader.SampleCount, int.MaxValue) : 0));
        var buffer = new float[channels * 4096];
        int read;
        while ((read = provider.Read(buffer.AsSpan())) > 0)
        {
            for (var frame = 0; frame + channels <= read; frame += channels)
            {
                var sum = 0f;
                for (var c = 0; c < channels; c++)
                {
                    sum += buffer[frame + c];
                }

                mono.Add(ToInt16(sum / channels));
            }
        }

        return new PcmAudio([.. mono], reader.WaveFormat.SampleRate);
    }

    private static short ToInt16(float sample) => (short)Math.Clamp(MathF.Round(sample * 32768f), short.MinValue, short.MaxValue);
}
