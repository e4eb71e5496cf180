using System.Globalization;
using LeaPformer.Streaming;

namespace LeaPformer.Benchmarks.Endpointing;

/// <summary>
/// Usage: dotnet run -c Release --project benchmarks/LeaPformer.Benchmarks -- endpointing --wav-dir DIR [--streams N] [--seed S]
///
/// Energy against Silero endpointing on many real speakers: the 16 kHz mono WAVs of DIR (scripts/endpointing_speech.sh:
/// 351 LibriSpeech utterances of 261 speakers), each trimmed to its speech (10 ms frames within 40 dB of its loudest;
/// a run of 0.3 s or more of quieter frames inside it is a pause of the reference too, as read speech has them),
/// joined six to a stream after 1 s of silence with pauses drawn from 0.3-3 s and 2 s of silence at the end; stream i's
/// peak at 0, -10, ..., -50 dBFS in turn; white or pink noise at 20, 10, 5 and 0 dB below the speech's RMS, or none;
/// 16-bit. Each stream through the front end's endpointer with the default rules. Prints per noise condition and detector:
/// <list type="bullet">
/// <item>boundary recall: of the pauses of 1.5 s or more (between utterances or inside one) (the rules end a segment after 1.2 s of silence, plus its
/// 200 ms padding), those where the kept segments split (the middle of the gap between two segments lies in the pause,
/// 300 ms of tolerance either side);</item>
/// <item>boundary precision: of the splits, those in such a pause (splits in pauses of 0.9-1.5 s count neither way;
/// splits by the 20 s segment limit are by design and counted apart);</item>
/// <item>speech lost: the share of the utterances' samples outside every kept segment;</item>
/// </list>
/// then the same per level for one noise condition. Prints numbers; decides nothing.
/// </summary>
internal static class SpeechCorpusBenchmark
{
    private const int Rate = Detect.Rate;
    private const int PerStream = 6;
    private const double MustSplitS = 1.5;
    private const double MaySplitS = 0.9;
    private const double ToleranceS = 0.3;

    public static int Run(string[] args)
    {
        string dir = args[0];
        int streams = Option(args, "--streams", 58);
        int seed = Option(args, "--seed", 11);
        var clips = Directory.GetFiles(dir, "*.wav").Order(StringComparer.Ordinal).Select(f => Trim(Wav16.Read(f))).Where(c => c.Length > Rate / 2).ToList();
        int inside = clips.Sum(c => c.Pauses.Count);
        if (clips.Count < PerStream)
        {
            Console.Error.WriteLine($"error: {dir} has {clips.Count} usable WAVs; the benchmark joins {PerStream} per stream.");
            return 2;
        }

        var built = BuildStreams(clips, streams, seed);
        using var bundle = BenchBundle.Load();
        using var silero = SileroVadModel.Load(BenchBundle.SileroModelPath);
        var detectors = new (string Name, EndpointOptions Options)[]
        {
            ("energy", EndpointOptions.Default),
            ("silero", EndpointOptions.Default with { SileroVad = silero }),
        };
        double seconds = built.Sum(b => b.Speech.Length) / (double)Rate;
        int must = built.Sum(b => b.Pauses.Count(p => p >= MustSplitS));
        Console.WriteLine($"{clips.Count} utterances of {dir} ({inside} pauses inside them); {streams} streams, {seconds / 60:0.0} min in all, "
            + $"{built.Sum(b => b.Pauses.Count)} pauses ({must} of {MustSplitS} s or more)");
        Console.WriteLine("| noise | SNR dB | detector | boundary recall | boundary precision | splits by the 20 s limit | speech lost |");
        Console.WriteLine("| --- | ---: | --- | ---: | ---: | ---: | ---: |");
        var conditions = new (string Noise, double? Snr)[] { ("none", null), ("white", 20), ("white", 10), ("white", 5), ("white", 0), ("pink", 20), ("pink", 10), ("pink", 5), ("pink", 0) };
        var perLevel = new Dictionary<(string, double), Score>();
        foreach (var (noise, snr) in conditions)
        {
            foreach (var (name, options) in detectors)
            {
                var total = new Score();
                for (int i = 0; i < built.Count; i++)
                {
                    var stream = built[i].With(noise, snr, seed + i);
                    var score = Score.Of(built[i], Detect.Segments(bundle.Cmvn, options, stream));
                    total.Add(score);
                    if (noise == "white" && snr == 10)
                    {
                        var key = (name, built[i].PeakDbfs);
                        perLevel[key] = perLevel.TryGetValue(key, out var s) ? s.Plus(score) : score;
                    }
                }

                Console.WriteLine($"| {noise} | {(snr is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-")} | {name} | {total.Recall} | {total.Precision} | {total.LimitSplits} | {total.Lost} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("White noise at 10 dB SNR, by the stream's peak level:");
        Console.WriteLine("| peak dBFS | detector | boundary recall | boundary precision | speech lost |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: |");
        foreach (var ((name, peak), s) in perLevel.OrderByDescending(e => e.Key.Item2).ThenBy(e => e.Key.Item1, StringComparer.Ordinal))
        {
            Console.WriteLine($"| {peak} | {name} | {s.Recall} | {s.Precision} | {s.Lost} |");
        }

        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>
    /// The clip from its first to its last 10 ms frame within 40 dB of its loudest frame, and its own pauses: runs of
    /// 0.3 s or more of quieter frames (samples from the trimmed clip's start).
    /// </summary>
    private static Clip Trim(float[] clip)
    {
        const int frame = Rate / 100;
        int frames = clip.Length / frame;
        if (frames == 0)
        {
            return new Clip([], []);
        }

        var db = new double[frames];
        for (int f = 0; f < frames; f++)
        {
            double sum = 0;
            for (int j = 0; j < frame; j++)
            {
                double x = clip[(f * frame) + j];
                sum += x * x;
            }

            db[f] = 10 * Math.Log10((sum / frame) + 1e-12);
        }

        double floor = db.Max() - 40;
        int first = Array.FindIndex(db, d => d >= floor);
        int last = Array.FindLastIndex(db, d => d >= floor);
        var pauses = new List<(int Start, int End)>();
        for (int f = first; f <= last;)
        {
            int run = f;
            while (run <= last && db[run] < floor)
            {
                run++;
            }

            if (run - f >= 30)
            {
                pauses.Add(((f - first) * frame, (run - first) * frame));
            }

            f = Math.Max(run, f + 1);
        }

        return new Clip(clip[(first * frame)..((last + 1) * frame)], pauses);
    }

    private sealed record Clip(float[] Samples, List<(int Start, int End)> Pauses)
    {
        public int Length => Samples.Length;
    }

    private static List<Built> BuildStreams(List<Clip> clips, int streams, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, clips.Count).OrderBy(_ => random.Next()).ToList();
        int next = 0;
        var levels = new[] { 0.0, -10, -20, -30, -40, -50 };
        var built = new List<Built>();
        for (int s = 0; s < streams; s++)
        {
            var parts = new List<Clip>();
            var gaps = new List<double>();
            for (int u = 0; u < PerStream; u++)
            {
                parts.Add(clips[order[next++ % order.Count]]);
                if (u > 0)
                {
                    gaps.Add(Math.Round(0.3 + (random.NextDouble() * 2.7), 2));
                }
            }

            int length = Rate + parts.Sum(p => p.Length) + gaps.Sum(p => (int)(p * Rate)) + (2 * Rate);
            var speech = new float[length];
            var spans = new List<(long Start, long End)>(); // speech between the reference's pauses
            long at = Rate;
            for (int u = 0; u < parts.Count; u++)
            {
                if (u > 0)
                {
                    at += (int)(gaps[u - 1] * Rate);
                }

                parts[u].Samples.CopyTo(speech, at);
                long from = at;
                foreach (var (start, end) in parts[u].Pauses)
                {
                    spans.Add((from, at + start));
                    from = at + end;
                }

                spans.Add((from, at + parts[u].Length));
                at += parts[u].Length;
            }

            var pauses = new List<double>();
            for (int i = 0; i + 1 < spans.Count; i++)
            {
                pauses.Add((spans[i + 1].Start - spans[i].End) / (double)Rate);
            }

            double peak = levels[s % levels.Length];
            float gain = (float)(Math.Pow(10, peak / 20) / speech.Max(Math.Abs));
            for (int i = 0; i < speech.Length; i++)
            {
                speech[i] *= gain;
            }

            built.Add(new Built(speech, spans, pauses, peak));
        }

        return built;
    }

    /// <summary>One stream: the levelled speech, where its speech lies, and the pauses between those spans (s).</summary>
    private sealed record Built(float[] Speech, List<(long Start, long End)> Spans, List<double> Pauses, double PeakDbfs)
    {
        /// <summary>The stream with the noise added at the SNR (against the speech's RMS over its utterances), in 16 bits.</summary>
        public float[] With(string noise, double? snr, int seed)
        {
            double speechPower = 0;
            long count = 0;
            foreach (var (start, end) in Spans)
            {
                for (long i = start; i < end; i++)
                {
                    speechPower += (double)Speech[i] * Speech[i];
                }

                count += end - start;
            }

            double noiseRms = snr is { } s ? Math.Sqrt(speechPower / count) * Math.Pow(10, -s / 20) : 0;
            var shaped = noise == "none" ? null : Noise(noise, Speech.Length, seed);
            var stream = new float[Speech.Length];
            for (int i = 0; i < stream.Length; i++)
            {
                double x = Speech[i] + (shaped is null ? 0 : shaped[i] * noiseRms);
                stream[i] = (float)(Math.Clamp(Math.Round(x * 32768), -32768, 32767) / 32768);
            }

            return stream;
        }

        /// <summary>Unit-RMS Gaussian white noise, or pink noise (Paul Kellet's filter over it), of this length.</summary>
        private static double[] Noise(string color, int length, int seed)
        {
            var random = new Random(seed);
            var x = new double[length];
            for (int i = 0; i < length; i += 2)
            {
                double r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
                double a = 2 * Math.PI * random.NextDouble();
                x[i] = r * Math.Cos(a);
                if (i + 1 < length)
                {
                    x[i + 1] = r * Math.Sin(a);
                }
            }

            if (color == "pink")
            {
                double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
                for (int i = 0; i < length; i++)
                {
                    double w = x[i];
                    b0 = (0.99886 * b0) + (w * 0.0555179);
                    b1 = (0.99332 * b1) + (w * 0.0750759);
                    b2 = (0.96900 * b2) + (w * 0.1538520);
                    b3 = (0.86650 * b3) + (w * 0.3104856);
                    b4 = (0.55000 * b4) + (w * 0.5329522);
                    b5 = (-0.7616 * b5) - (w * 0.0168980);
                    x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + (w * 0.5362);
                    b6 = w * 0.115926;
                }
            }

            double rms = Math.Sqrt(x.Average(v => v * v));
            for (int i = 0; i < length; i++)
            {
                x[i] /= rms;
            }

            return x;
        }
    }

    /// <summary>Boundary and coverage counts of one or more streams.</summary>
    private sealed class Score
    {
        private int _must;
        private int _found;
        private int _wrong;
        private long _speech;
        private long _lost;

        public int LimitSplits { get; private set; }

        public string Recall => _must == 0 ? "-" : $"{100.0 * _found / _must:0.0} % ({_found}/{_must})";

        public string Precision => _found + _wrong == 0 ? "-" : $"{100.0 * _found / (_found + _wrong):0.0} % ({_wrong} wrong)";

        public string Lost => $"{100.0 * _lost / Math.Max(_speech, 1):0.00} %";

        public static Score Of(Built stream, List<(long Start, long End, SegmentEndReason Reason)> segments)
        {
            var score = new Score();
            var matched = new bool[stream.Pauses.Count];
            score._must = stream.Pauses.Count(p => p >= MustSplitS);
            for (int g = 0; g + 1 < segments.Count; g++)
            {
                if (segments[g].Reason == SegmentEndReason.MaxSegmentLength)
                {
                    score.LimitSplits++;
                    continue;
                }

                double middle = (segments[g].End + segments[g + 1].Start) / 2.0;
                int pause = -1;
                for (int p = 0; p < stream.Pauses.Count; p++)
                {
                    double from = stream.Spans[p].End - (ToleranceS * Rate);
                    double to = stream.Spans[p + 1].Start + (ToleranceS * Rate);
                    if (middle >= from && middle <= to)
                    {
                        pause = p;
                    }
                }

                if (pause >= 0 && stream.Pauses[pause] >= MustSplitS && !matched[pause])
                {
                    matched[pause] = true;
                    score._found++;
                }
                else if (pause < 0 || stream.Pauses[pause] < MaySplitS || matched[pause])
                {
                    score._wrong++;
                }
            }

            foreach (var (start, end) in stream.Spans)
            {
                score._speech += end - start;
                long covered = 0;
                foreach (var s in segments)
                {
                    covered += Math.Max(0, Math.Min(end, s.End) - Math.Max(start, s.Start));
                }

                score._lost += end - start - covered;
            }

            return score;
        }

        public void Add(Score other)
        {
            _must += other._must;
            _found += other._found;
            _wrong += other._wrong;
            _speech += other._speech;
            _lost += other._lost;
            LimitSplits += other.LimitSplits;
        }

        public Score Plus(Score other)
        {
            var sum = new Score();
            sum.Add(this);
            sum.Add(other);
            return sum;
        }
    }
}
