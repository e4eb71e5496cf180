using LeaPformer.Streaming;

namespace LeaPformer.Server.Models;

/// <summary>The process-wide model: the translator and the defaults the server applies to it.</summary>
/// <param name="Directory">The bundle folder, resolved to a full path.</param>
/// <param name="DefaultWaitK">k for requests that ask for 0: the configured override, else the bundle's.</param>
internal sealed record LoadedModel(TranslationEngine Engine, string Directory, int DefaultWaitK) : IDisposable
{
    public ModelMetadata Metadata => Engine.Bundle.Metadata;

    public void Dispose()
    {
        var bundle = Engine.Bundle;
        Engine.Dispose();
        bundle.Dispose();
    }
}
