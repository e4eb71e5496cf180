using LeaPformer.Streaming;

namespace LeaPformer.Server.Options;

/// <summary>
/// The runaway guard (configuration section "Runaway"): a segment whose decoder commits tokens far faster
/// than anyone speaks, or repeats itself, is ended there with end reason RUNAWAY_TOKENS or REPETITION,
/// and the rest of its audio is decoded as the next segment from fresh states (<see cref="RunawayGuardOptions"/>
/// has the exact rules). Counted in leapformer_segments_total{end_reason}.
/// </summary>
/// <remarks>
/// On by default: noise, audio declared at the wrong sample rate, out-of-range FLOAT32 samples and speech far
/// from the training data make a small model repeat itself ("contra contra contra ...") up to the bundle's
/// own limit (10 + 12.5 tokens a second); the defaults are set well above what the demo bundle writes for
/// speech it translates (at most 10.8 + 8 tokens a second of audio, no fourth copy of an n-gram).
/// </remarks>
public sealed class RunawayOptions
{
    public const string SectionName = "Runaway";

    /// <summary>Tokens a segment may hold before any audio is read.</summary>
    public int BaseTokens { get; set; } = RunawayGuardOptions.Default.BaseTokens;

    /// <summary>Tokens a segment may add per second of its audio read; empty (null) = no rate rule.</summary>
    public double? MaxTokensPerSecond { get; set; } = RunawayGuardOptions.Default.MaxTokensPerSecond;

    /// <summary>Copies in a row of one n-gram that may end the text; one more ends the segment; empty (null) = no repetition rule.</summary>
    public int? MaxNgramRepeats { get; set; } = RunawayGuardOptions.Default.MaxNgramRepeats;

    /// <summary>The longest n-gram, in tokens, the repetition rule looks for.</summary>
    public int MaxNgramLength { get; set; } = RunawayGuardOptions.Default.MaxNgramLength;

    /// <summary>The runtime's options for these values.</summary>
    public RunawayGuardOptions ToRunawayGuardOptions() => new()
    {
        BaseTokens = BaseTokens,
        MaxTokensPerSecond = MaxTokensPerSecond,
        MaxNgramRepeats = MaxNgramRepeats,
        MaxNgramLength = MaxNgramLength,
    };
}
