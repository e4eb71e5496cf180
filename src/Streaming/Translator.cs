using LeaPformer.Policy;

namespace LeaPformer.Streaming;

/// <summary>
/// Creates per-stream <see cref="TranslationSession"/>s over one shared <see cref="ModelBundle"/>.
/// One per process; <see cref="CreateSession"/> is thread-safe. Does not own the bundle.
/// </summary>
public sealed class Translator(ModelBundle bundle) : IDisposable
{
    private volatile bool _disposed;

    public ModelBundle Bundle { get; } = bundle ?? throw new ArgumentNullException(nameof(bundle));

    /// <exception cref="ArgumentOutOfRangeException">k outside [k_min, k_max] (0 = default, -1 = offline), or a sample rate outside 8000..48000 Hz.</exception>
    public TranslationSession CreateSession(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var m = Bundle.Metadata;
        int k = ResolveK(options.WaitK, m);
        if (options.InputSampleRate is < SessionOptions.MinSampleRate or > SessionOptions.MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(
                nameof(SessionOptions.InputSampleRate), options.InputSampleRate, $"InputSampleRate must be {SessionOptions.MinSampleRate}..{SessionOptions.MaxSampleRate} Hz.");
        }

        return new TranslationSession(Bundle, new WaitKPolicy(k, m.PreDecision), options.InputSampleRate);
    }

    public void Dispose() => _disposed = true;

    private static int ResolveK(int requested, ModelMetadata m)
    {
        if (requested == SessionOptions.DefaultK)
        {
            return m.DefaultK;
        }

        if (requested == SessionOptions.Offline)
        {
            return WaitKPolicy.Offline;
        }

        if (requested < m.KMin || requested > m.KMax)
        {
            throw new ArgumentOutOfRangeException(
                nameof(SessionOptions.WaitK), requested, $"WaitK must be {m.KMin}..{m.KMax}, 0 for the model default ({m.DefaultK}) or -1 for offline.");
        }

        return requested;
    }
}
