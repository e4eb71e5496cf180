using NAudio.Wave;

namespace LeaPformer.Benchmarks.LongContext;

/// <summary>
/// Continuous speech for the long-context run: WAVs (16 kHz mono) with their leading and trailing
/// silence trimmed to 100 ms, back to back, repeated for as long as the run asks.
/// </summary>
internal sealed class SpeechTrack
{
    public const int SampleRate = 16000;
    private const int FrameSamples = 160;             // 10 ms
    private const int KeepSamples = SampleRate / 10;  // 100 ms of the silence around each utterance kept
    private const double SilenceDbfs = -40;           // as the server's endpointing: a quieter 10 ms frame is silence

    private readonly float[] _samples;
    private long _position;

    private SpeechTrack(float[] samples, IReadOnlyList<string> files)
    {
        _samples = samples;
        Files = files;
    }

    public IReadOnlyList<string> Files { get; }

    /// <summary>Seconds of one pass over the files.</summary>
    public double LoopSeconds => (double)_samples.Length / SampleRate;

    /// <exception cref="InvalidDataException">A WAV that is not 16 kHz mono, or no speech at all.</exception>
    public static SpeechTrack Load(IReadOnlyList<string> wavs)
    {
        var pieces = new List<float[]>();
        foreach (var path in wavs)
        {
            using var reader = new WaveFileReader(path);
            if (reader.WaveFormat.SampleRate != SampleRate || reader.WaveFormat.Channels != 1)
            {
                throw new InvalidDataException($"{path}: {reader.WaveFormat.SampleRate} Hz, {reader.WaveFormat.Channels} channels; the long-context run needs 16 kHz mono.");
            }

            var provider = reader.ToSampleProvider();
            var samples = new float[reader.SampleCount];
            int read = 0, n;
            while (read < samples.Length && (n = provider.Read(samples.AsSpan(read))) > 0)
            {
                read += n;
            }

            pieces.Add(Trim(samples.AsSpan(0, read)));
        }

        var all = pieces.SelectMany(p => p).ToArray();
        if (all.Length < SampleRate / 10)
        {
            throw new InvalidDataException("The WAVs hold no speech to build a stream from.");
        }

        return new SpeechTrack(all, wavs);
    }

    /// <summary>Fills <paramref name="chunk"/> with the next samples, wrapping around at the end.</summary>
    public void Read(Span<float> chunk)
    {
        for (int i = 0; i < chunk.Length; i++)
        {
            chunk[i] = _samples[_position++ % _samples.Length];
        }
    }

    private static float[] Trim(ReadOnlySpan<float> samples)
    {
        int frames = samples.Length / FrameSamples;
        int first = 0, last = frames - 1;
        while (first < frames && Dbfs(samples.Slice(first * FrameSamples, FrameSamples)) < SilenceDbfs)
        {
            first++;
        }

        while (last > first && Dbfs(samples.Slice(last * FrameSamples, FrameSamples)) < SilenceDbfs)
        {
            last--;
        }

        if (first >= frames)
        {
            return [];
        }

        int start = Math.Max(0, (first * FrameSamples) - KeepSamples);
        int end = Math.Min(samples.Length, ((last + 1) * FrameSamples) + KeepSamples);
        return samples[start..end].ToArray();
    }

    private static double Dbfs(ReadOnlySpan<float> frame)
    {
        double sum = 0;
        foreach (var s in frame)
        {
            sum += s * (double)s;
        }

        return 10 * Math.Log10(Math.Max(sum / frame.Length, 1e-20));
    }
}
