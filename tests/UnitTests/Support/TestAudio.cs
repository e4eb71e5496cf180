using LeaPformer.Streaming;

namespace LeaPformer.UnitTests.Support;

/// <summary>Builds test streams from golden utterances and silence, and runs sessions over them.</summary>
internal static class TestAudio
{
    public const int SampleRate = 16000;
    public const int FrameSamples = 160; // 10 ms

    public static float[] Silence(int ms) => new float[ms * SampleRate / 1000];

    /// <summary>ms before the first 10 ms frame louder than -40 dBFS: the speech onset, after the leading near-silence.</summary>
    public static long FirstSoundMs(float[] samples)
        => samples.Chunk(FrameSamples).TakeWhile(f => 10 * Math.Log10(f.Average(x => (double)x * x) + 1e-12) < -40).Count() * 10L;

    /// <summary>The samples zero-padded to whole 10 ms frames, so the next piece starts on the stream's frame grid.</summary>
    public static float[] PadToFrames(float[] samples)
    {
        int length = (samples.Length + FrameSamples - 1) / FrameSamples * FrameSamples;
        var padded = new float[length];
        samples.CopyTo(padded, 0);
        return padded;
    }

    public static float[] Concat(params float[][] pieces)
    {
        var all = new float[pieces.Sum(p => p.Length)];
        int at = 0;
        foreach (var p in pieces)
        {
            p.CopyTo(all, at);
            at += p.Length;
        }

        return all;
    }

    /// <summary>A sine of the given RMS level in dBFS.</summary>
    public static float[] Tone(int ms, double levelDbfs, double hz = 440)
    {
        var samples = new float[ms * SampleRate / 1000];
        double amplitude = Math.Sqrt(2) * Math.Pow(10, levelDbfs / 20);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / SampleRate));
        }

        return samples;
    }

    /// <summary>Feeds the audio in chunks (Decode after each), finishes the input, and returns every update.</summary>
    public static List<SegmentUpdate> Run(TranslationSession session, float[] audio, int chunkSamples)
    {
        var updates = new List<SegmentUpdate>();
        for (int start = 0; start < audio.Length; start += chunkSamples)
        {
            session.AcceptWaveform(audio.AsSpan(start, Math.Min(chunkSamples, audio.Length - start)));
            session.Decode(updates);
        }

        session.InputFinished();
        session.Decode(updates);
        return updates;
    }

    public static List<SegmentUpdate> Run(TranslationEngine translator, TranslationSessionOptions options, float[] audio, int chunkSamples)
    {
        using var session = translator.CreateSession(options);
        return Run(session, audio, chunkSamples);
    }

    /// <summary>What a client sees of an update, without where its segment lies in the stream.</summary>
    public static string Describe(SegmentUpdate u) =>
        $"{(u.IsFinal ? "final" : "token")} '{u.Text}' +'{u.Delta}' [{string.Join(" ", u.Tokens.Select(t => $"{t.Id}@{t.SourceMs}"))}]";

    /// <summary>Everything about an update, its segment's place in the stream included.</summary>
    public static string DescribeFully(SegmentUpdate u) =>
        $"#{u.SegmentIndex} {u.SegmentStartMs}-{u.SegmentEndMs} {u.EndReason} {u.IsEndOfSingleUtterance} {Describe(u)}";

    /// <summary>The updates grouped by segment, each group ending with its final update.</summary>
    public static List<List<SegmentUpdate>> BySegment(IEnumerable<SegmentUpdate> updates)
    {
        var segments = new List<List<SegmentUpdate>>();
        var current = new List<SegmentUpdate>();
        foreach (var u in updates)
        {
            current.Add(u);
            if (u.IsFinal)
            {
                segments.Add(current);
                current = [];
            }
        }

        Assert.Empty(current); // every segment ends with a final update
        return segments;
    }
}
