using System.Diagnostics;
using LeaPformer.Streaming;
using LeaPformer.UnitTests.Support;
using Xunit.Abstractions;
using static LeaPformer.UnitTests.Support.TestAudio;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>
/// An endless conversation: golden speech and pauses repeated, fed as fast as the model runs. Segments
/// keep coming, and neither the model state nor the managed heap grows with the stream.
/// </summary>
[Collection(BundleCollection.Name)]
public sealed class LongStreamTests(BundleFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Ten_minutes_of_speech_and_pauses_keep_memory_flat() => RunStream(TimeSpan.FromMinutes(10));

    [LongRunningFact]
    [Trait("Category", "LongRunning")]
    public void One_hour_of_speech_and_pauses_keeps_memory_flat() => RunStream(TimeSpan.FromHours(1));

    private void RunStream(TimeSpan length)
    {
        // One block: each golden utterance and 1.5 s of silence (rule 2 ends each after 1.2 s).
        var block = Concat([.. fixture.Goldens.SelectMany(g => new[] { g.Samples, Silence(1500) })]);
        double blockSeconds = (double)block.Length / SampleRate;
        int blocks = (int)Math.Ceiling(length.TotalSeconds / blockSeconds);
        int warmup = Math.Min(5, blocks / 2);

        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3) { Endpoint = EndpointOptions.Default });
        long stateElements = session.StateElementCount;
        var updates = new List<SegmentUpdate>(256);
        var chunk = new float[1600]; // 100 ms
        int finals = 0;
        long lastStartMs = -1;
        long baseline = 0;
        var samples = new List<(int Block, long Bytes, long Native)>();
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < blocks; b++)
        {
            for (int start = 0; start < block.Length; start += chunk.Length)
            {
                int n = Math.Min(chunk.Length, block.Length - start);
                session.AcceptWaveform(block.AsSpan(start, n));
                session.Decode(updates);
                foreach (var u in updates)
                {
                    if (u.IsFinal)
                    {
                        finals++;
                        Assert.Equal(finals - 1, u.SegmentIndex);
                        Assert.True(u.SegmentStartMs > lastStartMs);
                        lastStartMs = u.SegmentStartMs;
                    }
                }

                updates.Clear();
            }

            if (b + 1 == warmup || (b + 1) % Math.Max(1, blocks / 10) == 0 || b + 1 == blocks)
            {
                long bytes = HeapBytes();
                if (b + 1 == warmup)
                {
                    baseline = bytes;
                }

                using var process = Process.GetCurrentProcess();
                samples.Add((b + 1, bytes, process.PrivateMemorySize64));
            }
        }

        session.InputFinished();
        session.Decode(updates);
        clock.Stop();

        double audioSeconds = blocks * blockSeconds;
        output.WriteLine(
            $"{audioSeconds / 60:0.0} min of audio in {clock.Elapsed.TotalSeconds:0.0} s ({audioSeconds / clock.Elapsed.TotalSeconds:0.0}x real time), "
            + $"{finals} segments, state {stateElements} floats");
        foreach (var (done, bytes, native) in samples)
        {
            output.WriteLine(
                $"after block {done,4} ({done * blockSeconds / 60,6:0.0} min): managed heap {bytes / 1024.0,9:0.0} KiB "
                + $"({(bytes - baseline) / 1024.0:+0.0;-0.0} KiB vs warm), process private {native / 1048576.0:0.0} MiB");
        }

        Assert.Equal(blocks * fixture.Goldens.Count, finals);
        Assert.Equal(stateElements, session.StateElementCount);

        // Flat: after warm-up the heap moves by noise only (lists at their capacity, no per-segment leftovers).
        long growth = samples[^1].Bytes - baseline;
        Assert.True(growth < 256 * 1024, $"managed heap grew by {growth / 1024.0:0.0} KiB over the stream");
    }

    private static long HeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
