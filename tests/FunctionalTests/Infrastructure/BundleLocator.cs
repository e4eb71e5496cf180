namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Finds the model bundle the functional tests serve. Never skips: a missing bundle fails every test with this message.</summary>
public static class BundleLocator
{
    public const string EnvironmentVariable = "LEAPFORMER_TEST_BUNDLE";

    public static string Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var path = string.IsNullOrWhiteSpace(fromEnvironment)
            ? Path.Combine(RepositoryRoot(), "models", "demo-small")
            : Path.GetFullPath(fromEnvironment);
        if (!File.Exists(Path.Combine(path, "encoder.onnx")))
        {
            throw new InvalidOperationException(
                $"No model bundle for the functional tests at '{path}' (no encoder.onnx). " +
                $"Export one there (see docs/bundle.md and training/) or set {EnvironmentVariable} to a bundle folder.");
        }

        return path;
    }

    /// <summary>The folder holding LeaPformer.sln, walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeaPformer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"LeaPformer.sln not found above {AppContext.BaseDirectory}.");
    }
}
