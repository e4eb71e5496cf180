using LeaPformer.Streaming;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class DecodeParityTests(BundleFixture fixture)
{
    /// <summary>The golden files hold the bundle's own loop (docs/bundle.md), which has no runaway guard.</summary>
    internal static TranslationSessionOptions BundleLoop(int k) => new(WaitK: k) { RunawayGuard = RunawayGuardOptions.Disabled };

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(TranslationSessionOptions.Offline)]
    public void Session_decodes_match_pytorch_tokens_and_delays(int k)
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        foreach (var golden in fixture.Goldens)
        {
            var expected = golden.Decodes.SingleOrDefault(d => d.K == k)
                ?? throw new InvalidOperationException($"{golden.Name}.json has no decode for k = {k}.");
            using var session = translator.CreateSession(BundleLoop(k));
            var updates = new List<SegmentUpdate>();
            session.AcceptLinear16(golden.Pcm);
            session.InputFinished();
            session.Decode(updates);

            Assert.Equal(expected.Tokens, session.TokenIds);
            Assert.Equal(expected.DelaysMs, session.DelaysMs);
            Assert.Equal(expected.Text, updates[^1].Text);
            Assert.True(updates[^1].IsFinal);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(TranslationSessionOptions.Offline)]
    public void Chunking_does_not_change_tokens_delays_or_updates(int k)
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        foreach (var golden in fixture.Goldens)
        {
            var reference = Run(translator, golden, k, golden.Pcm.Length);
            foreach (int ms in new[] { 10, 100, 1000 })
            {
                var chunked = Run(translator, golden, k, ms * 16 * 2); // 16 samples per ms, 2 bytes each
                Assert.Equal(reference.Tokens, chunked.Tokens);
                Assert.Equal(reference.Delays, chunked.Delays);
                Assert.Equal(reference.Texts, chunked.Texts);
            }
        }
    }

    [Fact]
    public void Updates_grow_token_by_token_and_end_with_one_final()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var golden = fixture.Goldens[0];
        using var session = translator.CreateSession(BundleLoop(3));
        var updates = new List<SegmentUpdate>();
        for (int start = 0; start < golden.Pcm.Length; start += 3200)
        {
            session.AcceptLinear16(golden.Pcm.AsSpan(start, Math.Min(3200, golden.Pcm.Length - start)));
            session.Decode(updates);
        }

        Assert.DoesNotContain(updates, u => u.IsFinal);
        session.InputFinished();
        session.Decode(updates);
        Assert.Equal(0, session.Decode(updates)); // nothing after the final update

        Assert.Single(updates, u => u.IsFinal);
        Assert.True(updates[^1].IsFinal);
        string text = "";
        for (int i = 0; i < updates.Count - 1; i++)
        {
            Assert.Equal(i + 1, updates[i].Tokens.Count);
            Assert.Equal(text + updates[i].Delta, updates[i].Text);
            text = updates[i].Text;
        }

        Assert.Equal(text, updates[^1].Text);
        Assert.Equal(session.TokenIds, updates[^1].Tokens.Select(t => t.Id));
        Assert.Equal(session.DelaysMs.Select(d => (long)Math.Floor(d)), updates[^1].Tokens.Select(t => t.SourceMs));
        Assert.All(updates[^1].Tokens, t => Assert.Equal(fixture.Bundle.Tokens[t.Id], t.Piece));
    }

    private static (int[] Tokens, double[] Delays, string[] Texts) Run(TranslationEngine translator, Golden golden, int k, int chunkBytes)
    {
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: k));
        var updates = new List<SegmentUpdate>();
        for (int start = 0; start < golden.Pcm.Length; start += chunkBytes)
        {
            session.AcceptLinear16(golden.Pcm.AsSpan(start, Math.Min(chunkBytes, golden.Pcm.Length - start)));
            session.Decode(updates);
        }

        session.InputFinished();
        session.Decode(updates);
        return ([.. session.TokenIds], [.. session.DelaysMs], [.. updates.Select(u => u.Text)]);
    }
}
