using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// The output must not depend on how the client chunks its audio (DESIGN, wire contract); checked against
/// the whole-WAV golden decodes, so with endpointing off (segments and chunking: EndpointingTests).
/// </summary>
public sealed class ChunkingTests(WholeStreamServer server) : ServerTest(server)
{
    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public async Task ChunkSizeChangesNothing(int k)
    {
        foreach (var utterance in Golden)
        {
            var audio = WavLoader.Load(utterance.WavPath);
            var outputs = new List<(int ChunkMs, List<(int Id, long SourceMs)> Tokens)>();
            foreach (var chunkMs in new[] { 10, 100, 1000 })
            {
                var outcome = await TranslateAsync(audio, new TranslateOptions(WaitK: k, ChunkMs: chunkMs, RealTime: false));
                outputs.Add((chunkMs, outcome.Tokens.Select(t => (t.Id, t.SourceMs)).ToList()));
            }

            Assert.Equal(utterance.Decode(k).Tokens, outputs[0].Tokens.Select(t => t.Id));
            foreach (var (chunkMs, tokens) in outputs.Skip(1))
            {
                Assert.True(outputs[0].Tokens.SequenceEqual(tokens),
                    $"{utterance} k={k}: {chunkMs} ms chunks gave [{string.Join(' ', tokens)}], 10 ms chunks [{string.Join(' ', outputs[0].Tokens)}]");
            }
        }
    }
}
