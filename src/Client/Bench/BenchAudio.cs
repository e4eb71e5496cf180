using Google.Protobuf;
using LeaPformer.Client.Audio;

namespace LeaPformer.Client.Bench;

/// <summary>
/// What every stream of a run sends: a WAV repeated (optionally with silence between the copies), cut
/// into LINEAR16 request payloads once and shared by all streams, so sending allocates no audio.
/// </summary>
internal sealed class BenchAudio
{
    private readonly int _chunkSamples;

    private BenchAudio(short[] samples, int sampleRate, int chunkMs)
    {
        SampleRate = sampleRate;
        SampleCount = samples.Length;
        _chunkSamples = Math.Max(1, (int)((long)sampleRate * chunkMs / 1000));
        var chunks = new ByteString[(samples.Length + _chunkSamples - 1) / _chunkSamples];
        var pcm = new PcmAudio(samples, sampleRate);
        for (int i = 0; i < chunks.Length; i++)
        {
            int start = i * _chunkSamples;
            chunks[i] = UnsafeByteOperations.UnsafeWrap(pcm.Linear16(start, Math.Min(_chunkSamples, samples.Length - start)));
        }

        Chunks = chunks;
    }

    public int SampleRate { get; }

    public long SampleCount { get; }

    /// <summary>The stream's length in ms (exact, not floored).</summary>
    public double DurationMs => SampleCount * 1000.0 / SampleRate;

    /// <summary>Request payloads in order; each is ChunkMs of audio except possibly the last.</summary>
    public IReadOnlyList<ByteString> Chunks { get; }

    /// <summary>
    /// <paramref name="wav"/> <paramref name="repeat"/> times, or, when <paramref name="durationSeconds"/> is given,
    /// as many times as it takes to fill exactly that many seconds (the last copy cut); <paramref name="gapMs"/>
    /// of silence between consecutive copies.
    /// </summary>
    public static BenchAudio Create(PcmAudio wav, int repeat, double? durationSeconds, int gapMs, int chunkMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gapMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkMs, 1);
        if (wav.Samples.Length == 0)
        {
            throw new ArgumentException("The WAV has no samples.", nameof(wav));
        }

        int gap = (int)((long)wav.SampleRate * gapMs / 1000);
        long total = durationSeconds is { } seconds
            ? (long)Math.Round(seconds * wav.SampleRate)
            : ((long)wav.Samples.Length * repeat) + ((long)gap * (repeat - 1));
        if (total < 1 || total > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(durationSeconds), "The stream must be at least one sample and under 2^30 samples long.");
        }

        var samples = new short[total];
        long at = 0;
        while (at < total)
        {
            int n = (int)Math.Min(wav.Samples.Length, total - at);
            wav.Samples.AsSpan(0, n).CopyTo(samples.AsSpan((int)at));
            at += n + gap; // the gap stays zeros
        }

        return new BenchAudio(samples, wav.SampleRate, chunkMs);
    }

    /// <summary>ms of stream audio up to the end of chunk <paramref name="index"/>.</summary>
    public double ChunkEndMs(int index) => Math.Min((long)(index + 1) * _chunkSamples, SampleCount) * 1000.0 / SampleRate;

    /// <summary>The chunk whose sending made <paramref name="streamMs"/> of audio available: the first whose end reaches it.</summary>
    public int ChunkIndexForMs(double streamMs)
    {
        long sample = (long)Math.Ceiling(streamMs * SampleRate / 1000.0);
        long index = ((sample + _chunkSamples - 1) / _chunkSamples) - 1;
        return (int)Math.Clamp(index, 0, Chunks.Count - 1);
    }
}
