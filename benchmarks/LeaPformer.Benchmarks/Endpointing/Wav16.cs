namespace LeaPformer.Benchmarks.Endpointing;

/// <summary>16-bit PCM mono WAVs (the fixtures' and scripts/endpointing_speech.sh's format) as samples in [-1, 1].</summary>
internal static class Wav16
{
    public static float[] Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        int p = 12;
        while (p + 8 <= b.Length)
        {
            string id = System.Text.Encoding.ASCII.GetString(b, p, 4);
            int size = BitConverter.ToInt32(b, p + 4);
            if (id == "data")
            {
                var samples = new float[Math.Min(size, b.Length - p - 8) / 2];
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = BitConverter.ToInt16(b, p + 8 + (2 * i)) / 32768f;
                }

                return samples;
            }

            p += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path}: no data chunk.");
    }
}
