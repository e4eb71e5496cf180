using System.ComponentModel.DataAnnotations;

namespace LeaPformer.Server.Options;

/// <summary>Which model bundle to serve (configuration section "Model").</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>
    /// The bundle folder (docs/bundle.md). A relative path is looked up against the content
    /// root, then the current directory, then their parent folders, so that both
    /// <c>dotnet run --project src/Server</c> and the published binary find <c>models/</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "models/demo-small";

    /// <summary>
    /// The wait-k lagging (source units) used when a request asks for k = 0; null = the
    /// bundle's default_k; -1 = offline. Checked against the bundle's k range at start.
    /// </summary>
    [Range(-1, 1000)]
    public int? DefaultWaitK { get; set; }
}
