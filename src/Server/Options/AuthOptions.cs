namespace LeaPformer.Server.Options;

/// <summary>
/// Optional API keys (configuration section "Auth"). With no keys every call is served;
/// with keys, every Translator call must present one (health and reflection stay open).
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Keys shorter than this are refused at start: a guessable key is no key.</summary>
    public const int MinKeyLength = 16;

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public bool Enabled => ApiKeys.Count > 0;
}
