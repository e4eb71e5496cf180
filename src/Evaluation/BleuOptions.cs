namespace LeaPformer.Evaluation;

/// <summary>
/// BLEU settings with sacreBLEU's defaults: 13a tokenizer, case-sensitive, <c>exp</c> smoothing,
/// 4-gram precisions, no effective order (corpus BLEU).
/// </summary>
public sealed record BleuOptions
{
    /// <summary>sacreBLEU's corpus BLEU defaults (<c>sacrebleu.corpus_bleu</c>).</summary>
    public static BleuOptions Corpus { get; } = new();

    /// <summary>sacreBLEU's sentence BLEU defaults (<c>sacrebleu.sentence_bleu</c>): effective order on.</summary>
    public static BleuOptions Sentence { get; } = new() { EffectiveOrder = true };

    public BleuTokenizer Tokenizer { get; init; } = BleuTokenizer.Mteval13a;

    /// <summary>Lowercase hypothesis and references first (sacreBLEU <c>-lc</c>; invariant-culture lowering).</summary>
    public bool Lowercase { get; init; }

    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.Exp;

    /// <summary>The value for <see cref="BleuSmoothing.Floor"/> or <see cref="BleuSmoothing.AddK"/>; null takes sacreBLEU's default.</summary>
    public double? SmoothValue { get; init; }

    public int MaxNgramOrder { get; init; } = 4;

    /// <summary>Average only the orders the hypothesis has n-grams of; meant for sentence BLEU.</summary>
    public bool EffectiveOrder { get; init; }

    internal double ResolvedSmoothValue => SmoothValue ?? Smoothing switch
    {
        BleuSmoothing.Floor => 0.1,
        BleuSmoothing.AddK => 1,
        _ => 0,
    };
}
