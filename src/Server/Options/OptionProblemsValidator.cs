using LeaPformer.Streaming;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Options;

/// <summary>
/// Refuses at start, with messages that name the key ("Endpointing:MaxSegmentMs must be 1..600000 ms,
/// not 0."), what an options class's own Problems() refuses: the rules live with the options, once.
/// </summary>
internal sealed class OptionProblemsValidator<T>(string section, Func<T, IReadOnlyList<OptionProblem>> problems) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var found = problems(options);
        return found.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(found.Select(p => $"{section}:{p}"));
    }
}
