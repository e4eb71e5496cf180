namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// A fact that runs examples/node: needs <c>node</c> on PATH and <c>examples/node/node_modules</c>
/// (<c>npm ci</c> there). Without them it is skipped, and says why, so a run's summary counts it as
/// skipped rather than passed; with <see cref="RequireVariable"/>=1 (CI sets it) it runs anyway and
/// fails on what is missing.
/// </summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public const string RequireVariable = "LEAPFORMER_REQUIRE_NODE";

    public NodeFactAttribute()
    {
        if (Missing is { } missing && Environment.GetEnvironmentVariable(RequireVariable) != "1")
        {
            Skip = $"{missing}; set {RequireVariable}=1 to make this a failure.";
        }
    }

    public static string? NodePath => FindOnPath(OperatingSystem.IsWindows() ? "node.exe" : "node");

    public static string ExampleDirectory => Path.Combine(BundleLocator.RepositoryRoot(), "examples", "node");

    /// <summary>What this machine lacks to run the example, or null.</summary>
    public static string? Missing
        => NodePath is null ? "node is not on PATH (apt-get install nodejs npm)"
            : !Directory.Exists(Path.Combine(ExampleDirectory, "node_modules")) ? $"{ExampleDirectory}/node_modules is missing (run npm ci there)"
            : null;

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
