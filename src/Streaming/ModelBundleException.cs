namespace LeaPformer.Streaming;

/// <summary>A model bundle is missing, unreadable or does not follow docs/bundle.md.</summary>
public sealed class ModelBundleException : Exception
{
    public ModelBundleException(string message)
        : base(message)
    {
    }

    public ModelBundleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelBundleException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The file or folder at fault, when there is one.</summary>
    public string? FilePath { get; }
}
