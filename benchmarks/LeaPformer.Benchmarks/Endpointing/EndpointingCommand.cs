using LeaPformer.Streaming;

namespace LeaPformer.Benchmarks.Endpointing;

/// <summary>
/// Usage: dotnet run -c Release --project benchmarks/LeaPformer.Benchmarks -- endpointing [WAV]
///        ... -- endpointing --wav-dir DIR [--streams N] [--seed S]   (<see cref="SpeechCorpusBenchmark"/>)
///
/// Energy against Silero endpointing on one real recording (default tests/Fixtures/RealSpeech/cathy-a0007-peak-3dbfs.wav,
/// silence-trimmed, so its whole length is the utterance): 1 s of silence, then the recording four times with 1.5 s
/// pauses, scaled to a peak from 0 to -50 dBFS, over white noise at 20, 10 and 0 dB below the speech's RMS (or none),
/// all rounded to 16 bits. Prints, per detector, the segments kept (4 expected), utterances missed, and the mean
/// distance of a matched segment's start and end from the utterance's (the segments include the 200 ms padding,
/// so +-200 ms is a perfect cut). Prints numbers; decides nothing.
/// </summary>
public static class EndpointingCommand
{
    private const int Rate = 16000;

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "--wav-dir")
        {
            return SpeechCorpusBenchmark.Run(args[1..]);
        }

        string wav = args.Length > 0
            ? args[0]
            : Path.GetFullPath(Path.Combine(BenchBundle.SileroModelPath, "..", "..", "..", "tests", "Fixtures", "RealSpeech", "cathy-a0007-peak-3dbfs.wav"));
        float[] clip = Wav16.Read(wav);
        float clipPeak = clip.Max(Math.Abs);
        double clipRms = Math.Sqrt(clip.Average(x => (double)x * x));
        using var bundle = BenchBundle.Load();
        using var silero = SileroVadModel.Load(BenchBundle.SileroModelPath);
        var detectors = new (string Name, EndpointOptions Options)[]
        {
            ("energy", EndpointOptions.Default),
            ("silero", EndpointOptions.Default with { SileroVad = silero }),
        };

        Console.WriteLine($"{Path.GetFileName(wav)}: {clip.Length * 1000 / Rate} ms, 4 utterances per stream");
        Console.WriteLine("| peak dBFS | SNR dB | detector | segments kept | missed | mean start error ms | mean end error ms |");
        Console.WriteLine("| ---: | ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (double peak in new[] { 0.0, -10, -20, -30, -40, -50 })
        {
            foreach (double? snr in new double?[] { null, 20, 10, 0 })
            {
                var (stream, truth) = Build(clip, (float)(Math.Pow(10, peak / 20) / clipPeak), snr is { } s ? clipRms * Math.Pow(10, peak / 20) / clipPeak * Math.Pow(10, -s / 20) : 0);
                foreach (var (name, options) in detectors)
                {
                    var segments = Detect.Segments(bundle.Cmvn, options, stream).Select(g => (g.Start, g.End)).ToList();
                    int missed = 0;
                    var startErrors = new List<double>();
                    var endErrors = new List<double>();
                    foreach (var (start, end) in truth)
                    {
                        var match = segments.Where(g => g.End > start && g.Start < end).OrderByDescending(g => Math.Min(g.End, end) - Math.Max(g.Start, start)).FirstOrDefault();
                        if (match == default)
                        {
                            missed++;
                            continue;
                        }

                        startErrors.Add((match.Start - start) * 1000.0 / Rate);
                        endErrors.Add((match.End - end) * 1000.0 / Rate);
                    }

                    Console.WriteLine($"| {peak} | {(snr is { } v ? v.ToString() : "none")} | {name} | {segments.Count} | {missed} | {Mean(startErrors)} | {Mean(endErrors)} |");
                }
            }
        }

        return 0;
    }

    private static string Mean(List<double> values) => values.Count == 0 ? "-" : values.Average().ToString("0");

    private static (float[] Stream, List<(long Start, long End)> Truth) Build(float[] clip, float gain, double noiseRms)
    {
        int pause = Rate * 3 / 2;
        var stream = new float[Rate + (4 * (clip.Length + pause))];
        var truth = new List<(long, long)>();
        long at = Rate;
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < clip.Length; j++)
            {
                stream[at + j] = clip[j] * gain;
            }

            truth.Add((at, at + clip.Length));
            at += clip.Length + pause;
        }

        var random = new Random(7);
        double a = noiseRms * Math.Sqrt(3); // uniform in [-a, a] has RMS a / sqrt(3)
        for (int i = 0; i < stream.Length; i++)
        {
            double x = stream[i] + ((random.NextDouble() * 2 - 1) * a);
            stream[i] = (float)(Math.Clamp(Math.Round(x * 32768), -32768, 32767) / 32768);
        }

        return (stream, truth);
    }
}
