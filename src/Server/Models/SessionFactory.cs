using LeaPformer.Streaming;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Models;

/// <summary>
/// The one place that turns a stream's config and the server's options into
/// <see cref="LeaPformer.Streaming.TranslationSessionOptions"/>: wait-k (0 = the server's default), the input
/// rate, endpointing (with the speech detector chosen at start), single utterance, the runaway guard.
/// </summary>
internal sealed class SessionFactory(
    LoadedModel model, LoadedSpeechDetector detector, IOptions<EndpointOptions> endpointing, IOptions<RunawayGuardOptions> runaway)
{
    // Enabled in the configuration says whether ordinary streams are segmented; a session that
    // endpoints at all (single_utterance needs it either way) gets the rules enabled.
    private readonly EndpointOptions _endpoint = endpointing.Value with { Enabled = true, SileroVad = detector.Silero };
    private readonly RunawayGuardOptions _guard = runaway.Value;
    private readonly bool _segmentStreams = endpointing.Value.Enabled;

    /// <summary>The endpointing a single_utterance stream uses (always enabled).</summary>
    public EndpointOptions Endpoint => _endpoint;

    /// <summary>The runaway guard every session gets.</summary>
    public RunawayGuardOptions RunawayGuard => _guard;

    /// <summary>Whether ordinary streams are cut into segments at pauses.</summary>
    public bool SegmentsStreams => _segmentStreams;

    /// <summary>A session for one stream.</summary>
    /// <param name="waitK">As requested: 0 = the server's default, -1 = offline.</param>
    /// <exception cref="ArgumentException">A k or rate the model refuses (the config was validated, so only a bug gets here).</exception>
    public TranslationSession Create(int waitK, int sampleRateHertz, bool singleUtterance)
    {
        var options = new LeaPformer.Streaming.TranslationSessionOptions(waitK == 0 ? model.DefaultWaitK : waitK, sampleRateHertz)
        {
            // single_utterance needs an endpointer whether or not ordinary streams are segmented.
            Endpoint = _segmentStreams || singleUtterance ? _endpoint : EndpointOptions.Disabled,
            SingleUtterance = singleUtterance,
            RunawayGuard = _guard,
        };
        return model.Engine.CreateSession(options);
    }

    /// <summary>A session for the warm-up: endpointing off, so that silence reaches the model.</summary>
    public TranslationSession CreateForWarmup()
        => model.Engine.CreateSession(new LeaPformer.Streaming.TranslationSessionOptions(model.DefaultWaitK, model.Metadata.SampleRate));
}
