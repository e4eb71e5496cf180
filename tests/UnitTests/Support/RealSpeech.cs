namespace LeaPformer.UnitTests.Support;

/// <summary>
/// tests/Fixtures/RealSpeech: one human recording (rhasspy/dataset-voice-cathy, CC0) at 16 kHz, its peak at
/// -3 dBFS (a close, loud microphone) and at -45 dBFS (a quiet laptop microphone), both rounded to 16 bits.
/// </summary>
internal static class RealSpeech
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealSpeech");

    public static float[] Loud => Golden.ReadWav(Path.Combine(Directory, "cathy-a0007-peak-3dbfs.wav")).Samples;

    public static float[] Quiet => Golden.ReadWav(Path.Combine(Directory, "cathy-a0007-peak-45dbfs.wav")).Samples;

    /// <summary>Seeded white noise at <paramref name="levelDbfs"/> RMS, rounded to 16 bits as a recorder would.</summary>
    public static float[] Noise(int ms, double levelDbfs, int seed = 7)
    {
        var random = new Random(seed);
        double scale = Math.Pow(10, levelDbfs / 20) * Math.Sqrt(3); // uniform in [-a, a] has RMS a / sqrt(3)
        var samples = new float[ms * TestAudio.SampleRate / 1000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = Round16((random.NextDouble() * 2 - 1) * scale);
        }

        return samples;
    }

    /// <summary><paramref name="a"/> + <paramref name="b"/> sample by sample (b repeated or cut to a's length), rounded to 16 bits.</summary>
    public static float[] Mix(float[] a, float[] b)
    {
        var mixed = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            mixed[i] = Round16(a[i] + b[i % b.Length]);
        }

        return mixed;
    }

    private static float Round16(double x) => (float)(Math.Clamp(Math.Round(x * 32768), -32768, 32767) / 32768);
}
