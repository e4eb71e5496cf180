using System.Diagnostics;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;
using LeaPformer.Server.Models;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Streams do not see each other: each of 32 parallel streams gives exactly its output alone, with
/// batched decoding (the default: the streams' model steps stacked into shared ONNX calls) and without.
/// </summary>
public sealed class ConcurrencyTests(SharedServer server, ITestOutputHelper output) : ServerTest(server)
{
    private static readonly int[] WaitKs = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, -1];
    private static readonly int[] ChunkMs = [10, 40, 100, 250, 1000];

    [Fact]
    public async Task ThirtyTwoParallelStreamsEachGetTheirOutputAlone()
    {
        Assert.NotNull(Server.Services.GetRequiredService<SessionDecoder>().Batches); // batching is on by default
        await ParallelStreamsMatchAloneAsync(Server, "batched");
    }

    [Fact]
    public async Task ThirtyTwoParallelStreamsEachGetTheirOutputAloneWithoutBatching()
    {
        await using var unbatched = new TranslationServerFactory(new Dictionary<string, string> { ["Batching:Enabled"] = "false" });
        Assert.Null(unbatched.Services.GetRequiredService<SessionDecoder>().Batches);

        // "Alone" is cached per endpointing setting, whichever of the two servers ran it first: batching must not change it.
        await ParallelStreamsMatchAloneAsync(unbatched, "unbatched");
        await TestTimeouts.WaitUntilAsync(() => unbatched.IsDrained, TestTimeouts.Short, "every stream ended");
        Assert.Empty(unbatched.Logs.ErrorsSince(0));
    }

    private async Task ParallelStreamsMatchAloneAsync(TranslationServerFactory server, string mode)
    {
        var model = server.Model.Metadata;
        var cases = Enumerable.Range(0, 32)
            .Select(i => (Utterance: Golden[i % Golden.Count], K: Math.Clamp(WaitKs[i % WaitKs.Length], -1, model.KMax), ChunkMs: ChunkMs[i % ChunkMs.Length]))
            .Select(c => c.K == 0 || (c.K > 0 && c.K < model.KMin) ? c with { K = model.KMin } : c)
            .ToList();
        var alone = new List<StreamSignature>();
        foreach (var c in cases)
        {
            alone.Add(await StreamSignature.AloneAsync(server, c.Utterance, c.K));
        }

        using var channel = server.CreateChannel();
        var client = server.CreateClient(channel);
        var clock = Stopwatch.StartNew();
        var peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.Limiter.Active);
                await Task.Delay(5);
            }
        });
        var together = await Task.WhenAll(cases.Select(c => client.TranslateAsync(
            WavLoader.Load(c.Utterance.WavPath), new TranslateOptions(WaitK: c.K, ChunkMs: c.ChunkMs, RealTime: false))
            .WaitAsync(TestTimeouts.Stream)));
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"32 parallel streams ({mode}) in {clock.Elapsed.TotalSeconds:0.00} s, at most {peak} at once on the server");
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.True(alone[i] == StreamSignature.Of(together[i]),
                $"{mode}: {cases[i].Utterance} k={cases[i].K} chunks {cases[i].ChunkMs} ms: alone {alone[i]}, in parallel {StreamSignature.Of(together[i])}");
        }

        Assert.True(peak > 1, "the streams overlapped on the server");
    }
}
