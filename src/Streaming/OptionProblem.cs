namespace LeaPformer.Streaming;

/// <summary>
/// A value an options record refuses: the property, the value, and the rule it breaks, worded to
/// follow the property's name ("must be 1..1024, not 0."). One rule, one sentence, used twice: the
/// runtime throws it as an <see cref="ArgumentOutOfRangeException"/> (ParamName = <see cref="Name"/>)
/// and the server refuses to start with it, prefixed by the configuration section.
/// </summary>
public sealed record OptionProblem(string Name, object? Value, string Rule)
{
    /// <summary>"MaxBatchSize must be 1..1024, not 0."</summary>
    public override string ToString() => $"{Name} {Rule}";

    /// <summary>Throws the first of <paramref name="problems"/>, if any.</summary>
    internal static void ThrowIfAny(IReadOnlyList<OptionProblem> problems)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentOutOfRangeException(problems[0].Name, problems[0].Value, problems[0].ToString());
        }
    }
}

/// <summary>Builds an options record's list of problems: each check adds one when its rule is broken.</summary>
internal sealed class OptionRules
{
    /// <summary>The longest window, padding or rule time accepted (ms): ten minutes.</summary>
    public const int MaxMs = 600_000;

    public List<OptionProblem> Problems { get; } = [];

    /// <summary>Adds <paramref name="rule"/> and ", not VALUE." (" not VALUE." after a ';') when <paramref name="ok"/> is false.</summary>
    public OptionRules Require(bool ok, string name, object? value, string rule)
    {
        if (!ok)
        {
            Problems.Add(new OptionProblem(name, value, $"{rule}{(rule.EndsWith(';') ? "" : ",")} not {value ?? "empty"}."));
        }

        return this;
    }

    /// <summary>An int in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public OptionRules Range(int value, string name, int min, int max, string unit = "")
        => Require(value >= min && value <= max, name, value, $"must be {min}..{max}{unit}");

    /// <summary>A time in ms in <paramref name="min"/>..<see cref="MaxMs"/>.</summary>
    public OptionRules Milliseconds(int value, string name, int min) => Range(value, name, min, MaxMs, " ms");
}
