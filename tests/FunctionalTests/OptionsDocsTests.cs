using System.Globalization;
using System.Reflection;
using LeaPformer.FunctionalTests.Infrastructure;
using LeaPformer.Server.Extensions;
using LeaPformer.Server.Options;
using LeaPformer.Streaming;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// docs/operations.md lists every key of the Endpointing, Runaway and Batching sections with the
/// default its one definition gives (the runtime's options records, plus the server's own keys), and
/// lists no key that binds to nothing.
/// </summary>
public sealed class OptionsDocsTests
{
    public static TheoryData<string, string> Keys()
    {
        var data = new TheoryData<string, string>();
        foreach (var (section, options) in Definitions())
        {
            foreach (var property in Bindable(options.GetType()))
            {
                data.Add($"{section}:{property.Name}", Format(property.GetValue(options)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void EveryKeyIsDocumentedWithItsDefault(string key, string defaultValue)
    {
        var docs = File.ReadAllText(Path.Combine(BundleLocator.RepositoryRoot(), "docs", "operations.md"));

        Assert.Contains($"| `{key}` | `{defaultValue}` |", docs, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDocsListNoKeyThatBindsToNothing()
    {
        var known = Definitions().SelectMany(d => Bindable(d.Options.GetType()).Select(p => $"{d.Section}:{p.Name}")).ToHashSet();
        var documented = File.ReadAllLines(Path.Combine(BundleLocator.RepositoryRoot(), "docs", "operations.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line[3..line.IndexOf('`', 3)])
            .Where(key => key.StartsWith("Endpointing:", StringComparison.Ordinal) || key.StartsWith("Runaway:", StringComparison.Ordinal)
                || key.StartsWith("Batching:", StringComparison.Ordinal));

        Assert.All(documented, key => Assert.Contains(key, known));
    }

    private static IEnumerable<(string Section, object Options)> Definitions() =>
    [
        (SpeechDetectorOptions.SectionName, new EndpointOptions()),
        (SpeechDetectorOptions.SectionName, new SpeechDetectorOptions()),
        (TranslationServiceExtensions.RunawayGuardSection, new RunawayGuardOptions()),
        (BatchingOptions.SectionName, new BatchDecodingOptions()),
        (BatchingOptions.SectionName, new BatchingOptions()),
    ];

    /// <summary>Public instance properties with a public setter (init included) and a type configuration can hold.</summary>
    private static IEnumerable<PropertyInfo> Bindable(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is { IsPublic: true } && p.PropertyType != typeof(SileroVadModel) && p.Name != "EqualityContract");

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
