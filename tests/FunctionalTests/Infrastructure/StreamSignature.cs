using System.Collections.Concurrent;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Everything a stream's output says: token ids with their source times, segment texts, events.</summary>
public sealed record StreamSignature(string Tokens, string Texts, string Events)
{
    private static readonly ConcurrentDictionary<(string Bundle, string Settings, string Wav, int K), Task<StreamSignature>> Alone = new();

    public static StreamSignature Of(TranslationOutcome outcome) => new(
        string.Join(' ', outcome.Tokens.Select(t => $"{t.Id}@{t.SourceMs}")),
        string.Join(" | ", outcome.Segments.Select(s => $"{s.Index}:{s.IsFinal}:{s.Text}")),
        string.Join(' ', outcome.Events));

    /// <summary>
    /// The output of <paramref name="utterance"/> at <paramref name="k"/> streamed alone (no other
    /// stream running) on <paramref name="server"/>; computed once per test run and endpointing setting.
    /// </summary>
    public static Task<StreamSignature> AloneAsync(TranslationServerFactory server, GoldenUtterance utterance, int k)
        => Alone.GetOrAdd((server.BundlePath, server.OutputSettings, utterance.Wav, k), async _ =>
        {
            await TestTimeouts.WaitUntilAsync(() => server.Limiter.Active == 0, TestTimeouts.Short, "no other stream runs");
            using var channel = server.CreateChannel();
            var outcome = await server.CreateClient(channel)
                .TranslateAsync(WavLoader.Load(utterance.WavPath), new TranslateOptions(WaitK: k, RealTime: false))
                .WaitAsync(TestTimeouts.Stream);
            return Of(outcome);
        });

    public override string ToString() => $"tokens [{Tokens}] texts [{Texts}] events [{Events}]";
}
