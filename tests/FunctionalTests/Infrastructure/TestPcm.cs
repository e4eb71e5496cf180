using LeaPformer.Client.Audio;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>16 kHz test streams built from golden utterances and silence.</summary>
public static class TestPcm
{
    public const int SampleRate = 16000;

    /// <summary>10 ms: the endpointer's frame.</summary>
    public const int FrameSamples = 160;

    public static PcmAudio Silence(int ms) => new(new short[ms * SampleRate / 1000], SampleRate);

    /// <summary>Zero-padded to whole 10 ms frames, so the next piece starts on the stream's frame grid.</summary>
    public static PcmAudio PadToFrames(PcmAudio audio)
    {
        var padded = new short[(audio.Samples.Length + FrameSamples - 1) / FrameSamples * FrameSamples];
        audio.Samples.CopyTo(padded, 0);
        return new PcmAudio(padded, audio.SampleRate);
    }

    public static PcmAudio Concat(params PcmAudio[] pieces) => new([.. pieces.SelectMany(p => p.Samples)], SampleRate);

    /// <summary>40 ms encoder frames the model makes of <paramref name="samples"/> (25 ms fbank window, 10 ms hop, 4x subsampling).</summary>
    public static int EncoderFrames(int samples) => samples < 400 ? 0 : (1 + (samples - 400) / 160) / 4;

    /// <summary>ms before the first 10 ms frame louder than -40 dBFS: the speech onset, after the leading near-silence.</summary>
    public static long FirstSoundMs(PcmAudio audio)
    {
        var frames = audio.Samples.Chunk(FrameSamples).TakeWhile(f => 10 * Math.Log10(f.Average(s => (double)s * s) / (32768.0 * 32768.0) + 1e-12) < -40);
        return frames.Count() * 10L;
    }
}
