namespace LeaPformer.Streaming;

/// <summary>Per-stream options.</summary>
/// <param name="WaitK">Wait-k lag in source units; 0 = the model's default_k, -1 = offline (read everything, then write).</param>
/// <param name="InputSampleRate">Hz of the audio given to the session; 8000..48000, resampled to the model's 16 kHz.</param>
public sealed record TranslationSessionOptions(int WaitK = 0, int InputSampleRate = 16000)
{
    public const int DefaultK = 0;

    public const int Offline = -1;

    public const int MinSampleRate = 8000;

    public const int MaxSampleRate = 48000;

    /// <summary>Endpointing (segments cut at pauses); disabled by default: the stream is one segment.</summary>
    public EndpointOptions Endpoint { get; init; } = EndpointOptions.Disabled;

    /// <summary>Ends a segment whose decoder runs away (too many tokens per second of audio, or repeating itself); on by default.</summary>
    public RunawayGuardOptions RunawayGuard { get; init; } = RunawayGuardOptions.Default;

    /// <summary>
    /// End the session after its first segment (Google's single_utterance). Uses <see cref="Endpoint"/>
    /// if it is enabled, else <see cref="EndpointOptions.Default"/>. The final update of that segment has
    /// <see cref="SegmentUpdate.IsEndOfSingleUtterance"/> set.
    /// </summary>
    public bool SingleUtterance { get; init; }

    /// <summary>
    /// The values a model refuses: <see cref="WaitK"/> outside its k range (0 and -1 aside) and
    /// <see cref="InputSampleRate"/> outside 8000..48000 Hz. The server checks a stream's config with
    /// the same rules (under the wire's names: wait_k, sample_rate_hertz).
    /// </summary>
    public IReadOnlyList<OptionProblem> Problems(ModelMetadata model) => new OptionRules()
        .Require(WaitK is DefaultK or Offline || (WaitK >= model.KMin && WaitK <= model.KMax), nameof(WaitK), WaitK,
            $"must be between {model.KMin} and {model.KMax} (0 = the default, {Offline} = offline)")
        .Require(InputSampleRate is >= MinSampleRate and <= MaxSampleRate, nameof(InputSampleRate), InputSampleRate,
            $"must be between {MinSampleRate} and {MaxSampleRate} Hz")
        .Problems;
}
