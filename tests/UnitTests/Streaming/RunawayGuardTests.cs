using LeaPformer.Streaming;
using LeaPformer.UnitTests.Support;
using static LeaPformer.UnitTests.Support.TestAudio;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>
/// The runaway guard in a session on the real bundle. A guard far tighter than the default (no base, 2 tokens
/// a second; wait-3 writes a token per 280 ms unit after 840 ms) fires on ordinary speech, every 1.4 s of
/// audio, so where it cuts and what follows can be checked exactly.
/// </summary>
[Collection(BundleCollection.Name)]
public sealed class RunawayGuardTests(BundleFixture fixture)
{
    private static readonly RunawayGuardOptions Tight = new() { BaseTokens = 0, MaxTokensPerSecond = 2, MaxNgramRepeats = null };

    [Fact]
    public void A_cut_segment_ends_where_the_model_read_and_the_rest_is_the_next_segment()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var audio = fixture.Goldens[1].Samples;
        var options = new TranslationSessionOptions(WaitK: 3) { RunawayGuard = Tight };
        var finals = Run(translator, options, audio, 1600).Where(u => u.IsFinal).ToList();

        Assert.True(finals.Count >= 2, string.Join(" | ", finals.Select(DescribeFully)));
        for (int i = 0; i < finals.Count; i++)
        {
            var f = finals[i];
            Assert.Equal(i, f.SegmentIndex);
            double seconds = (f.SegmentEndMs - f.SegmentStartMs) / 1000.0;
            Assert.True(f.Tokens.Count <= Math.Floor(Tight.BaseTokens + (Tight.MaxTokensPerSecond!.Value * seconds)), DescribeFully(f));
            if (i + 1 < finals.Count)
            {
                // Cut at a whole 280 ms unit the model had read; the next segment starts right there.
                Assert.Equal(SegmentEndReason.RunawayTokens, f.EndReason);
                Assert.Equal(0, (f.SegmentEndMs - f.SegmentStartMs) % 280);
                Assert.Equal(f.SegmentEndMs, finals[i + 1].SegmentStartMs);
            }
        }

        // The last runs to the end of the audio (where the guard may stop its tail too).
        Assert.Contains(finals[^1].EndReason, new[] { SegmentEndReason.InputFinished, SegmentEndReason.RunawayTokens });
        Assert.Equal(audio.Length * 1000L / SampleRate, finals[^1].SegmentEndMs);
    }

    [Fact]
    public void What_follows_a_cut_is_decoded_from_fresh_states_as_that_audio_alone()
    {
        // Exact while the front end keeps no state across the cut, as for a bundle without level normalisation
        // (the bundled demo-small); a level tracker runs on across a cut, so there the rest is only close.
        if (fixture.Bundle.Cmvn.LevelNorm != LevelNormalization.None)
        {
            return;
        }

        using var translator = new TranslationEngine(fixture.Bundle);
        var audio = fixture.Goldens[1].Samples;
        var options = new TranslationSessionOptions(WaitK: 3) { RunawayGuard = Tight };
        var segments = Run(translator, options, audio, 1600).GroupBy(u => u.SegmentIndex).Select(g => g.ToList()).ToList();

        var cutMs = segments[0][^1].SegmentEndMs;
        var rest = audio[(int)(cutMs * SampleRate / 1000)..];
        var alone = Run(translator, options, rest, 1600).Where(u => u.SegmentIndex == 0);
        Assert.Equal(alone.Select(Describe), segments[1].Select(Describe));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cuts_do_not_depend_on_chunking(bool endpointing)
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var g = fixture.Goldens;
        var audio = Concat(Silence(500), g[0].Samples, Silence(1800), g[1].Samples, Silence(1800), g[2].Samples, Silence(1500));
        var options = new TranslationSessionOptions(WaitK: 3) { RunawayGuard = Tight, Endpoint = endpointing ? EndpointOptions.Default : EndpointOptions.Disabled };

        var reference = Run(translator, options, audio, audio.Length).Select(DescribeFully).ToList();
        Assert.Contains(reference, u => u.Contains(nameof(SegmentEndReason.RunawayTokens), StringComparison.Ordinal));
        foreach (int chunk in new[] { 37, 1600, 8000 })
        {
            Assert.Equal(reference, Run(translator, options, audio, chunk).Select(DescribeFully));
        }
    }

    [Fact]
    public void Cuts_leave_the_endpointers_segments_where_they_were()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var g = fixture.Goldens;
        var audio = Concat(Silence(500), g[0].Samples, Silence(1800), g[1].Samples, Silence(1800), g[2].Samples, Silence(1500));
        var endpointed = new TranslationSessionOptions(WaitK: 3) { Endpoint = EndpointOptions.Default };

        var free = Run(translator, endpointed with { RunawayGuard = RunawayGuardOptions.Disabled }, audio, 1600).Where(u => u.IsFinal).ToList();
        var cut = Run(translator, endpointed with { RunawayGuard = Tight }, audio, 1600).Where(u => u.IsFinal).ToList();

        // The guard only cuts inside each of the endpointer's segments: they tile it from its start, each
        // following the last, up to its end but for a last piece under one 280 ms unit (dropped: nothing to read).
        Assert.True(cut.Count > free.Count);
        int covered = 0;
        foreach (var f in free)
        {
            var inside = cut.Where(c => f.SegmentStartMs <= c.SegmentStartMs && c.SegmentEndMs <= f.SegmentEndMs).ToList();
            Assert.NotEmpty(inside);
            Assert.Equal(f.SegmentStartMs, inside[0].SegmentStartMs);
            for (int i = 0; i + 1 < inside.Count; i++)
            {
                Assert.Equal(inside[i].SegmentEndMs, inside[i + 1].SegmentStartMs);
            }

            Assert.InRange(f.SegmentEndMs - inside[^1].SegmentEndMs, 0, 279);
            covered += inside.Count;
        }

        Assert.Equal(cut.Count, covered);
    }

    [Fact]
    public void A_single_utterance_ends_at_the_first_cut()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        using var session = translator.CreateSession(new TranslationSessionOptions(WaitK: 3) { RunawayGuard = Tight, SingleUtterance = true });
        var updates = Run(session, Concat(fixture.Goldens[1].Samples, Silence(2000), fixture.Goldens[0].Samples), 1600);

        var final = Assert.Single(updates, u => u.IsFinal);
        Assert.Equal(SegmentEndReason.RunawayTokens, final.EndReason);
        Assert.True(final.IsEndOfSingleUtterance);
        Assert.True(session.IsCompleted);
    }

    [Fact]
    public void The_default_guard_leaves_the_golden_decodes_alone()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        foreach (var golden in fixture.Goldens)
        {
            foreach (var decode in golden.Decodes)
            {
                var updates = Run(translator, new TranslationSessionOptions(WaitK: decode.K) { RunawayGuard = RunawayGuardOptions.Default }, golden.Samples, 1600);
                var final = Assert.Single(updates, u => u.IsFinal);
                Assert.Equal(decode.Tokens, final.Tokens.Select(t => t.Id));
                Assert.Equal(SegmentEndReason.InputFinished, final.EndReason);
            }
        }
    }

    [Theory]
    [InlineData("BaseTokens")]
    [InlineData("MaxTokensPerSecond")]
    [InlineData("MaxNgramRepeats")]
    [InlineData("MaxNgramLength")]
    public void Bad_guard_options_are_rejected(string field)
    {
        var bad = field switch
        {
            "BaseTokens" => RunawayGuardOptions.Default with { BaseTokens = -1 },
            "MaxTokensPerSecond" => RunawayGuardOptions.Default with { MaxTokensPerSecond = 0 },
            "MaxNgramRepeats" => RunawayGuardOptions.Default with { MaxNgramRepeats = 0 },
            _ => RunawayGuardOptions.Default with { MaxNgramLength = 0 },
        };
        using var translator = new TranslationEngine(fixture.Bundle);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => translator.CreateSession(new TranslationSessionOptions { RunawayGuard = bad }));
        Assert.Equal(field, e.ParamName);
    }
}
