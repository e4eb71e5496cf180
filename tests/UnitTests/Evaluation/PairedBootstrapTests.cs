using LeaPformer.Evaluation;
using LeaPformer.Evaluation.Internal;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>Paired bootstrap resampling (sacreBLEU's paired-bs) on small made-up test sets.</summary>
public sealed class PairedBootstrapTests
{
    private static readonly string[] Subjects = ["el perro", "la niña", "mi padre", "el vecino", "una mujer", "los chicos", "tu hermana"];
    private static readonly string[] Verbs = ["come", "lee", "compra", "busca", "mira", "vende"];
    private static readonly string[] Objects = ["una manzana roja", "el libro nuevo", "la casa grande", "un coche viejo", "las flores del jardín"];
    private static readonly string[] Places = ["en el parque", "por la mañana", "con su amigo", "cada día", "en la ciudad"];

    // 40 distinct references of 8-11 words.
    private static readonly string[] References =
    [
        .. Enumerable.Range(0, 40).Select(i =>
            $"{Subjects[i % Subjects.Length]} {Verbs[i % Verbs.Length]} {Objects[i % Objects.Length]} {Places[(i / 5) % Places.Length]} .")
    ];

    // Every second word dropped: a weak system.
    private static readonly string[] Weak =
        [.. References.Select(r => string.Join(' ', r.Split(' ').Where((_, w) => w % 2 == 0)))];

    // Some sentences right, some with one word wrong, some missing their ending: a middling system.
    private static readonly string[] Middling = [.. References.Select((r, i) => Damage(r, i, 3))];

    private static readonly string[] OtherMiddling = [.. References.Select((r, i) => Damage(r, i, 2))];

    [Fact]
    public void Identical_systems_differ_by_zero_with_p_value_one()
    {
        var result = new PairedBootstrap(Middling, Middling, References).Run();

        foreach (var metric in new[] { result.Bleu, result.ChrF })
        {
            Assert.Equal(new BootstrapEstimate(0, 0, 0, 0), metric.Difference);
            Assert.Equal(1.0, metric.PValue);
            Assert.Equal(metric.Baseline, metric.System);
        }
    }

    [Fact]
    public void A_perfect_system_beats_a_weak_one_beyond_noise()
    {
        var result = new PairedBootstrap(Weak, References, References).Run();

        foreach (var metric in new[] { result.Bleu, result.ChrF })
        {
            Assert.Equal(100.0, metric.System.Actual, 1e-9);
            Assert.True(metric.Difference.Actual > 30, $"{metric.Name}: {metric.Difference}");
            Assert.True(metric.Difference.Lower > 0, $"{metric.Name}: {metric.Difference}");
            Assert.True(metric.PValue < 0.01, $"{metric.Name}: p = {metric.PValue}");
        }

        // The weak system as the "system": the difference is negative, as significant.
        var reversed = new PairedBootstrap(References, Weak, References).Run();
        Assert.True(reversed.Bleu.Difference.Upper < 0, reversed.Bleu.Difference.ToString());
        Assert.Equal(result.Bleu.PValue, reversed.Bleu.PValue);
    }

    [Fact]
    public void The_intervals_contain_the_actual_scores()
    {
        var result = new PairedBootstrap(OtherMiddling, Middling, References).Run();

        foreach (var metric in new[] { result.Bleu, result.ChrF })
        {
            foreach (var estimate in new[] { metric.Baseline, metric.System, metric.Difference })
            {
                Assert.InRange(estimate.Actual, estimate.Lower, estimate.Upper);
                Assert.InRange(estimate.Mean, estimate.Lower, estimate.Upper);
                Assert.True(estimate.Lower < estimate.Upper, $"{metric.Name}: {estimate}");
            }
        }
    }

    [Fact]
    public void Actual_scores_are_sacrebleus_corpus_scores()
    {
        var result = new PairedBootstrap(OtherMiddling, Middling, References).Run(resamples: 10);

        Assert.Equal(SacreBleu.Corpus(OtherMiddling, References).Score, result.Bleu.Baseline.Actual);
        Assert.Equal(SacreBleu.Corpus(Middling, References).Score, result.Bleu.System.Actual);
        Assert.Equal(ChrF.Corpus(OtherMiddling, References).Score, result.ChrF.Baseline.Actual);
        Assert.Equal(ChrF.Corpus(Middling, References).Score, result.ChrF.System.Actual);
        Assert.Equal(result.Bleu.System.Actual - result.Bleu.Baseline.Actual, result.Bleu.Difference.Actual);
        Assert.Equal("chrF2", result.ChrF.Name);
        Assert.Equal(SacreBleu.Corpus(Middling, References).Signature, result.Bleu.Signature);
    }

    [Fact]
    public void The_p_value_is_sacrebleus_add_one_estimate()
    {
        const int resamples = 200;
        var result = new PairedBootstrap(OtherMiddling, Middling, References).Run(resamples);

        // (count + 1) / (N + 1): a whole count of resamples, never 0.
        double count = (result.Bleu.PValue * (resamples + 1)) - 1;
        Assert.Equal(Math.Round(count), count, 1e-9);
        Assert.InRange(result.Bleu.PValue, 1.0 / (resamples + 1), 1.0);
    }

    [Fact]
    public void The_same_seed_gives_the_same_result_and_another_seed_other_draws()
    {
        var bootstrap = new PairedBootstrap(OtherMiddling, Middling, References);

        var first = bootstrap.Run(seed: 7);
        var again = bootstrap.Run(seed: 7);
        var fresh = new PairedBootstrap(OtherMiddling, Middling, References).Run(seed: 7);
        var other = bootstrap.Run(seed: 8);

        Assert.Equal(first, again);
        Assert.Equal(first, fresh);
        Assert.Equal(7, first.Seed);
        Assert.Equal(PairedBootstrap.DefaultResamples, first.Resamples);
        Assert.Equal(first.Bleu.Baseline.Actual, other.Bleu.Baseline.Actual);
        Assert.NotEqual(first.Bleu.Baseline.Mean, other.Bleu.Baseline.Mean);
        Assert.NotEqual(first.Bleu.Difference.Mean, other.Bleu.Difference.Mean);
    }

    [Fact]
    public void Hypothesis_lists_of_different_lengths_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new PairedBootstrap(Middling, Middling[..^1], References));

        Assert.StartsWith("The baseline has 40 hypotheses and the system 39", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_references_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new PairedBootstrap(Middling, Middling, References[..^1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairedBootstrap(Middling, Middling, References).Run(resamples: 0));
    }

    [Fact]
    public void The_draws_are_splitmix64_and_stay_so() // Vigna's splitmix64.c from seed 1234567
    {
        var random = new SplitMix64(1234567);

        Assert.Equal(6457827717110365317UL, random.Next());
        Assert.Equal(3203168211198807973UL, random.Next());
        Assert.Equal(9817491932198370423UL, random.Next());
    }

    [Fact]
    public void Drawn_indices_cover_the_range_evenly()
    {
        var random = new SplitMix64(PairedBootstrap.DefaultSeed);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            counts[random.NextIndex(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.Equal(0, random.NextIndex(1));
    }

    private static string Damage(string reference, int index, int every)
    {
        string[] words = reference.Split(' ');
        return (index % every) switch
        {
            0 => reference,
            1 => string.Join(' ', words.Select((w, i) => i == 2 ? "algo" : w)),
            _ => string.Join(' ', words.Take(words.Length - 3)),
        };
    }
}
