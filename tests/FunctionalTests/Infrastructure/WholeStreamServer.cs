namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// The collection fixture with endpointing off: every stream is one segment that ends at half-close,
/// as PyTorch decoded the golden WAVs. For the tests that compare with those whole-WAV decodes:
/// with endpointing the model reads at most Endpointing:TrailingPaddingMs (200 ms) of an utterance's
/// trailing silence (the golden WAVs have about 600 ms), so the source ends earlier and the last
/// tokens and their delays differ. Everything else runs on <see cref="SharedServer"/>, the defaults.
/// </summary>
public sealed class WholeStreamServer() : TranslationServerFactory(Settings)
{
    public const string EndpointingEnabled = "Endpointing:Enabled";

    /// <summary>The settings that turn endpointing off, for test factories of their own.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { [EndpointingEnabled] = "false" };

    /// <summary><paramref name="settings"/> plus endpointing off.</summary>
    public static Dictionary<string, string> With(IReadOnlyDictionary<string, string> settings)
        => new(settings.Concat(Settings));
}
