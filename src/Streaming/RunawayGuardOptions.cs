namespace LeaPformer.Streaming;

/// <summary>
/// Stops a decoder that runs away: on noise, audio at the wrong rate or speech far from its training data
/// a model can commit tokens far faster than anyone speaks, or repeat itself ("contra contra contra ...").
/// Either rule ends the segment where it fires (<see cref="SegmentEndReason.RunawayTokens"/>,
/// <see cref="SegmentEndReason.Repetition"/>), as Whisper falls back when its output compresses too well.
/// </summary>
/// <remarks>
/// <para>The token that would break a rule is not committed: the segment's final update holds what was
/// committed before it (wait-k never retracts). The rest of the segment's audio, from where the model had
/// read, becomes the next segment, decoded from fresh states; the endpointer's segment boundaries do not
/// move. A single utterance ends there.</para>
/// <para>Rate: a segment may hold at most <c>floor(BaseTokens + MaxTokensPerSecond * s)</c> tokens, s =
/// seconds of its audio read when the token comes. While the source is read wait-k allows one token per
/// source unit (3.6 a second at 280 ms), so the rule bites at the segment's end, where the decoder writes
/// the rest of the translation at once.</para>
/// <para>Repetition: the same n-gram of 1..<see cref="MaxNgramLength"/> tokens may end the committed text
/// at most <see cref="MaxNgramRepeats"/> times in a row; the token that would complete one more copy ends the segment.</para>
/// </remarks>
public sealed record RunawayGuardOptions
{
    /// <summary>Neither rule: tokens are limited by wait-k and the bundle's token limit only.</summary>
    public static RunawayGuardOptions Disabled { get; } = new() { MaxTokensPerSecond = null, MaxNgramRepeats = null };

    /// <summary>Both rules, with the defaults below.</summary>
    public static RunawayGuardOptions Default { get; } = new();

    /// <summary>Tokens a segment may hold before it has read any audio: short utterances translate into more tokens per second.</summary>
    /// <remarks>12 with 8 a second: the demo bundles' 3600 in-domain test decodes (docs/results, seen and held-out
    /// voices, every k, LeaP and softmax; re-tokenized) need at most 10.8 + 8 a second, up to 14.6 tokens a
    /// second in all for the shortest utterances; the bundle's own hard limit is 10 + 12.5 a second.</remarks>
    public int BaseTokens { get; init; } = 12;

    /// <summary>Tokens a segment may add per second of its audio read; null = no rate rule.</summary>
    public double? MaxTokensPerSecond { get; init; } = 8;

    /// <summary>
    /// Times in a row the same n-gram may end the text; null = no repetition rule. 3: "no no no" stands,
    /// a fourth copy ends the segment. Of those 3600 decodes, one has a fourth copy (the softmax baseline's
    /// "Hablolololo"), none of demo-small's.
    /// </summary>
    public int? MaxNgramRepeats { get; init; } = 3;

    /// <summary>The longest n-gram (tokens) the repetition rule looks for.</summary>
    public int MaxNgramLength { get; init; } = 4;

    /// <summary>Tokens: far more than any segment holds.</summary>
    public const int MaxTokens = 100_000;

    /// <summary>Tokens a second: a hundred times what speech needs (a few words a second).</summary>
    public const double MaxRate = 1000;

    /// <summary>The longest n-gram or the most repeats accepted.</summary>
    public const int MaxNgram = 64;

    /// <summary>Every value these options refuse (empty when all are usable).</summary>
    public IReadOnlyList<OptionProblem> Problems() => new OptionRules()
        .Range(BaseTokens, nameof(BaseTokens), 0, MaxTokens, " tokens")
        .Require(MaxTokensPerSecond is not { } rate || (double.IsFinite(rate) && rate > 0 && rate <= MaxRate),
            nameof(MaxTokensPerSecond), MaxTokensPerSecond, $"must be more than 0 and at most {MaxRate} tokens a second, or empty for no rate rule;")
        .Require(MaxNgramRepeats is not { } repeats || repeats is >= 1 and <= MaxNgram,
            nameof(MaxNgramRepeats), MaxNgramRepeats, $"must be 1..{MaxNgram}, or empty for no repetition rule;")
        .Range(MaxNgramLength, nameof(MaxNgramLength), 1, MaxNgram, " tokens")
        .Problems;

    /// <exception cref="ArgumentOutOfRangeException">A value out of range (ParamName = the property).</exception>
    internal void Validate() => OptionProblem.ThrowIfAny(Problems());
}
