using LeaPformer.Streaming;

namespace LeaPformer.Benchmarks;

/// <summary>
/// The bundle the benchmarks run on: $LEAPFORMER_BENCH_BUNDLE, else $LEAPFORMER_TEST_BUNDLE, else
/// models/demo-small under the folder holding LeaPformer.sln.
/// </summary>
public static class BenchBundle
{
    public static string Directory
    {
        get
        {
            foreach (string variable in (string[])["LEAPFORMER_BENCH_BUNDLE", "LEAPFORMER_TEST_BUNDLE"])
            {
                string? path = Environment.GetEnvironmentVariable(variable);
                if (!string.IsNullOrWhiteSpace(path))
                {
                    return Path.GetFullPath(path);
                }
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LeaPformer.sln")))
                {
                    return Path.Combine(dir.FullName, "models", "demo-small");
                }
            }

            throw new InvalidOperationException("No bundle: set LEAPFORMER_BENCH_BUNDLE to a model bundle folder.");
        }
    }

    public static ModelBundle Load() => ModelBundle.Load(Directory);

    /// <summary>models/vad/silero_vad.onnx of the checkout.</summary>
    public static string SileroModelPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LeaPformer.sln")))
                {
                    return Path.Combine(dir.FullName, "models", "vad", "silero_vad.onnx");
                }
            }

            throw new InvalidOperationException("No LeaPformer.sln above the benchmark program.");
        }
    }

    /// <summary>Speech-like test audio: a golden WAV of the bundle if it has one, else a chirp.</summary>
    public static float[] Audio(ModelBundle bundle, int seconds)
    {
        var samples = new float[seconds * 16000];
        string golden = Path.Combine(bundle.Directory, "golden");
        var wav = System.IO.Directory.Exists(golden) ? System.IO.Directory.GetFiles(golden, "*.wav").Order(StringComparer.Ordinal).FirstOrDefault() : null;
        if (wav is not null)
        {
            var pcm = File.ReadAllBytes(wav).AsSpan(44); // canonical 16 kHz mono 16-bit WAV header
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = BitConverter.ToInt16(pcm.Slice(2 * (i % (pcm.Length / 2)), 2)) / 32768f;
            }

            return samples;
        }

        for (int i = 0; i < samples.Length; i++)
        {
            double t = i / 16000.0;
            samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * (200 + (300 * t)) * t));
        }

        return samples;
    }
}
