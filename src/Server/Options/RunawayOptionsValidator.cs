using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Options;

/// <summary>Refuses at start what the runtime would refuse on the first stream, and values no stream needs, with messages that name the key.</summary>
internal sealed class RunawayOptionsValidator : IValidateOptions<RunawayOptions>
{
    /// <summary>Tokens: far more than any segment holds.</summary>
    public const int MaxTokens = 100_000;

    /// <summary>Tokens a second: a hundred times what speech needs (a few words a second).</summary>
    public const double MaxRate = 1000;

    /// <summary>The longest n-gram or the most repeats accepted.</summary>
    public const int MaxNgram = 64;

    public ValidateOptionsResult Validate(string? name, RunawayOptions options)
    {
        var failures = new List<string>();
        var section = RunawayOptions.SectionName;
        if (options.BaseTokens is < 0 or > MaxTokens)
        {
            failures.Add($"{section}:{nameof(options.BaseTokens)} must be 0..{MaxTokens} tokens, not {options.BaseTokens}.");
        }

        if (options.MaxTokensPerSecond is { } rate && (!double.IsFinite(rate) || rate <= 0 || rate > MaxRate))
        {
            failures.Add($"{section}:{nameof(options.MaxTokensPerSecond)} must be more than 0 and at most {MaxRate} tokens a second, or empty for no rate rule; not {rate}.");
        }

        if (options.MaxNgramRepeats is { } repeats && repeats is < 1 or > MaxNgram)
        {
            failures.Add($"{section}:{nameof(options.MaxNgramRepeats)} must be 1..{MaxNgram}, or empty for no repetition rule; not {repeats}.");
        }

        if (options.MaxNgramLength is < 1 or > MaxNgram)
        {
            failures.Add($"{section}:{nameof(options.MaxNgramLength)} must be 1..{MaxNgram} tokens, not {options.MaxNgramLength}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
