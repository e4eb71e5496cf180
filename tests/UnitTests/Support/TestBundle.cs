namespace LeaPformer.UnitTests.Support;

/// <summary>
/// Finds the model bundle the model tests run against: $LEAPFORMER_TEST_BUNDLE, else models/demo-small
/// under the folder holding LeaPformer.sln. A missing bundle fails the tests with this message;
/// nothing is skipped silently.
/// </summary>
internal static class TestBundle
{
    public const string EnvironmentVariable = "LEAPFORMER_TEST_BUNDLE";

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LeaPformer.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No LeaPformer.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string Directory
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            string path = string.IsNullOrWhiteSpace(fromEnv)
                ? Path.Combine(RepoRoot, "models", "demo-small")
                : Path.GetFullPath(fromEnv);
            if (!File.Exists(Path.Combine(path, "encoder.onnx")))
            {
                throw new InvalidOperationException(
                    $"The test model bundle is missing: no encoder.onnx in {path}. Put the trained bundle in models/demo-small, "
                    + $"or set {EnvironmentVariable} to a bundle folder (for example /tmp/bundle-random).");
            }

            return path;
        }
    }

    public static string GoldenDirectory => Path.Combine(Directory, "golden");
}
