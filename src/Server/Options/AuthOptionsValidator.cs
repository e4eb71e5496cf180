using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Options;

/// <summary>Refuses at start: keys without a name, short or duplicated keys, duplicated names, negative limits.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var where = $"Auth:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"{where}:Name is empty.");
            }

            // The message never repeats the key.
            if (key.Key.Length < AuthOptions.MinKeyLength)
            {
                failures.Add($"{where}:Key ('{key.Name}') is shorter than {AuthOptions.MinKeyLength} characters.");
            }

            if (key.MaxStreams < 0)
            {
                failures.Add($"{where}:MaxStreams ('{key.Name}') must be 0 (no own limit) or more, not {key.MaxStreams}.");
            }
        }

        foreach (var group in options.ApiKeys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"Auth:ApiKeys: the name '{group.Key}' is used {group.Count()} times.");
        }

        if (options.ApiKeys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() != options.ApiKeys.Count)
        {
            failures.Add("Auth:ApiKeys: two entries have the same Key.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
