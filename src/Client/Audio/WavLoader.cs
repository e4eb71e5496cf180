using NAudio.Wave;

namespace LeaPformer.Client.Audio;

/// <summary>
/// Reads a WAV file of any rate, width and channel count as mono 16-bit PCM: at its own rate when a
/// server takes that rate (<see cref="MinServerRate"/>..<see cref="MaxServerRate"/>, which the server
/// resamples itself), else resampled here to <see cref="FallbackRate"/>.
/// </summary>
public static class WavLoader
{
    /// <summary>The lowest <c>sample_rate_hertz</c> a server accepts (INVALID_ARGUMENT below).</summary>
    public const int MinServerRate = 8000;

    /// <summary>The highest <c>sample_rate_hertz</c> a server accepts (a 96 kHz studio file is above it).</summary>
    public const int MaxServerRate = 48000;

    /// <summary>What other rates become: the models' own rate, so the server resamples nothing more.</summary>
    public const int FallbackRate = 16000;

    public static PcmAudio Load(string path) => Load(path, out _);

    /// <param name="path">The WAV file.</param>
    /// <param name="fileSampleRate">The file's own rate (differs from the result's when it was resampled).</param>
    public static PcmAudio Load(string path, out int fileSampleRate)
    {
        using var reader = new WaveFileReader(path);
        var channels = reader.WaveFormat.Channels;
        fileSampleRate = reader.WaveFormat.SampleRate;
        var provider = reader.ToSampleProvider(); // PCM 8/16/24/32-bit and IEEE float, as floats in [-1, 1]
        var mono = new List<float>((int)(reader.SampleCount > 0 ? Math.Min(reader.SampleCount, int.MaxValue) : 0));
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

                mono.Add(sum / channels);
            }
        }

        // Mixed and resampled as floats, so a 24-bit file keeps its precision until the one rounding to 16 bits.
        var rate = fileSampleRate;
        float[] samples = [.. mono];
        if (rate is < MinServerRate or > MaxServerRate)
        {
            samples = PcmResampler.Resample(samples, rate, FallbackRate);
            rate = FallbackRate;
        }

        return new PcmAudio(Array.ConvertAll(samples, ToInt16), rate);
    }

    private static short ToInt16(float sample) => (short)Math.Clamp(MathF.Round(sample * 32768f), short.MinValue, short.MaxValue);
}
