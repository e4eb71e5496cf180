using LeaPformer.Server.Hosting;
using LeaPformer.Server.Options;
using LeaPformer.Streaming;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Models;

internal static class ModelLoader
{
    /// <summary>Loads the configured bundle once; every failure becomes a <see cref="ModelLoadException"/> naming the folder or file.</summary>
    public static LoadedModel Load(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ModelOptions>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ModelLoader));

        if (!ModelPathResolver.TryResolve(options.Path, environment.ContentRootPath, out var directory, out var tried))
        {
            throw new ModelLoadException(
                $"The model bundle folder '{options.Path}' does not exist (looked for {string.Join(", ", tried.Take(4))}). " +
                "Set Model:Path (--Model:Path=DIR or the environment variable Model__Path) to a bundle folder; see docs/bundle.md.");
        }

        ModelBundle bundle;
        try
        {
            bundle = ModelBundle.Load(directory);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ModelBundleException already names the file and the problem; others (ONNX, IO) get the folder.
            throw new ModelLoadException($"Cannot load the model bundle in '{directory}': {ex.Message}", ex);
        }

        try
        {
            var metadata = bundle.Metadata;
            var defaultK = options.DefaultWaitK ?? metadata.DefaultK;
            if (defaultK != TranslationSessionOptions.Offline && (defaultK < metadata.KMin || defaultK > metadata.KMax))
            {
                throw new ModelLoadException(
                    $"Model:DefaultWaitK = {defaultK} is outside the range {metadata.KMin}..{metadata.KMax} of the model in '{directory}' (-1 = offline).");
            }

            var model = new LoadedModel(new TranslationEngine(bundle), directory, defaultK);
            ServerLog.ModelLoaded(logger, metadata.ModelName, directory, metadata.Attention,
                metadata.SourceLanguage, metadata.TargetLanguage, defaultK, bundle.LevelNormalization);
            return model;
        }
        catch
        {
            bundle.Dispose();
            throw;
        }
    }
}
