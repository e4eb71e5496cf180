using LeaPformer.Client.Audio;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Linear-interpolation resampling: crude, but enough to make 8 kHz and 44.1 kHz test input.</summary>
public static class Resampler
{
    public static PcmAudio To(PcmAudio audio, int rate)
    {
        var count = (int)((long)audio.Samples.Length * rate / audio.SampleRate);
        var output = new short[count];
        for (var i = 0; i < count; i++)
        {
            var position = (double)i * audio.SampleRate / rate;
            var left = (int)position;
            var right = Math.Min(left + 1, audio.Samples.Length - 1);
            var fraction = position - left;
            output[i] = (short)Math.Round(audio.Samples[left] * (1 - fraction) + audio.Samples[right] * fraction);
        }

        return new PcmAudio(output, rate);
    }
}
