using LeaPformer.Streaming;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Options;

/// <summary>Refuses at start what <see cref="BatchDecodingService"/> would refuse, with messages that name the key.</summary>
internal sealed class BatchingOptionsValidator : IValidateOptions<BatchingOptions>
{
    public const int MaxWorkers = 1024;

    public static readonly TimeSpan MaxMaxWait = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, BatchingOptions options)
    {
        var failures = new List<string>();
        var section = BatchingOptions.SectionName;
        if (options.MaxBatchSize is < 1 or > TranslationEngine.MaxBatchSizeLimit)
        {
            failures.Add($"{section}:{nameof(options.MaxBatchSize)} must be 1..{TranslationEngine.MaxBatchSizeLimit}, not {options.MaxBatchSize}.");
        }

        if (options.MaxWait < TimeSpan.Zero || options.MaxWait > MaxMaxWait)
        {
            failures.Add($"{section}:{nameof(options.MaxWait)} must be 00:00:00..00:00:01, not {options.MaxWait}.");
        }

        if (options.Workers is < 0 or > MaxWorkers)
        {
            failures.Add($"{section}:{nameof(options.Workers)} must be 0 (one per CPU)..{MaxWorkers}, not {options.Workers}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
