using System.Diagnostics;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Streaming;
using LeaPformer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>Streams do not see each other: each of 32 parallel streams gives exactly its output alone.</summary>
public sealed class ConcurrencyTests(SharedServer server, ITestOutputHelper output) : ServerTest(server)
{
    private static readonly int[] WaitKs = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, -1];
    private static readonly int[] ChunkMs = [10, 40, 100, 250, 1000];

    [Fact]
    public async Task ThirtyTwoParallelStreamsEachGetTheirOutputAlone()
    {
        var model = Server.Model.Metadata;
        var cases = Enumerable.Range(0, 32)
            .Select(i => (Utterance: Golden[i % Golden.Count], K: Math.Clamp(WaitKs[i % WaitKs.Length], -1, model.KMax), ChunkMs: ChunkMs[i % ChunkMs.Length]))
            .Select(c => c.K == 0 || (c.K > 0 && c.K < model.KMin) ? c with { K = model.KMin } : c)
            .ToList();
        var alone = new List<StreamSignature>();
        foreach (var c in cases)
        {
            alone.Add(await AloneAsync(c.Utterance, c.K));
        }

        var clock = Stopwatch.StartNew();
        var peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Server.Limiter.Active);
                await Task.Delay(5);
            }
        });
        var together = await Task.WhenAll(cases.Select(c => TranslateAsync(
            WavLoader.Load(c.Utterance.WavPath), new TranslateOptions(WaitK: c.K, ChunkMs: c.ChunkMs, RealTime: false))));
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"32 parallel streams in {clock.Elapsed.TotalSeconds:0.00} s, at most {peak} at once on the server");
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.True(alone[i] == StreamSignature.Of(together[i]),
                $"{cases[i].Utterance} k={cases[i].K} chunks {cases[i].ChunkMs} ms: alone {alone[i]}, in parallel {StreamSignature.Of(together[i])}");
        }

        Assert.True(peak > 1, "the streams overlapped on the server");
    }
}
