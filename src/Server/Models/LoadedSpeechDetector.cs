using LeaPformer.Server.Hosting;
using LeaPformer.Server.Options;
using LeaPformer.Streaming;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Models;

/// <summary>
/// The speech detector every stream's endpointer uses, chosen once at start: the energy rules, or the
/// Silero VAD network (loaded once, its SHA-256 checked). Silero asked for but missing or not the pinned
/// file: a warning and the energy detector, or a failed start when Endpointing:SileroRequired is true.
/// </summary>
internal sealed class LoadedSpeechDetector : IDisposable
{
    private LoadedSpeechDetector(string name, SileroVadModel? silero)
    {
        Name = name;
        Silero = silero;
    }

    /// <summary>"energy" or "silero": the one that runs.</summary>
    public string Name { get; }

    /// <summary>The loaded network when Silero runs.</summary>
    public SileroVadModel? Silero { get; }

    public static LoadedSpeechDetector Load(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SpeechDetectorOptions>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LoadedSpeechDetector));
        if (!string.Equals(options.Detector, SpeechDetectorOptions.SileroDetector, StringComparison.OrdinalIgnoreCase))
        {
            ServerLog.SpeechDetectorChosen(logger, SpeechDetectorOptions.EnergyDetector, "level-relative energy rules");
            return new LoadedSpeechDetector(SpeechDetectorOptions.EnergyDetector, null);
        }

        string reason;
        if (!ModelPathResolver.TryResolveFile(options.SileroModelPath, environment.ContentRootPath, out var path, out var tried))
        {
            reason = $"its file '{options.SileroModelPath}' does not exist (looked for {string.Join(", ", tried.Take(4))}; scripts/fetch_silero_vad.sh fetches it)";
        }
        else
        {
            try
            {
                var model = SileroVadModel.Load(path);
                model.WarmUp();
                ServerLog.SpeechDetectorChosen(logger, SpeechDetectorOptions.SileroDetector, $"Silero VAD v5 from {path}, SHA-256 {model.Sha256}");
                return new LoadedSpeechDetector(SpeechDetectorOptions.SileroDetector, model);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                reason = e.Message.TrimEnd('.');
            }
        }

        if (options.SileroRequired)
        {
            throw new ModelLoadException($"Endpointing:Detector is silero and Endpointing:SileroRequired is true, but {reason}.");
        }

        ServerLog.SileroUnavailable(logger, reason);
        ServerLog.SpeechDetectorChosen(logger, SpeechDetectorOptions.EnergyDetector, "Silero unavailable");
        return new LoadedSpeechDetector(SpeechDetectorOptions.EnergyDetector, null);
    }

    public void Dispose() => Silero?.Dispose();
}
