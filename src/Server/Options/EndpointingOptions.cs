using LeaPformer.Streaming;

namespace LeaPformer.Server.Options;

/// <summary>
/// Endpointing (configuration section "Endpointing"): how a stream is cut into segments at pauses
/// (energy voice activity on 10 ms frames, relative to the stream's own noise floor and speech peak, and
/// sherpa-onnx-style trailing-silence rules; see
/// <see cref="EndpointOptions"/> for the exact rules). Each segment ends with a final result and an
/// END_OF_SEGMENT event, and the next one starts from fresh model states with the next
/// segment_index, so a live stream can run for as long as the client talks.
/// </summary>
/// <remarks>
/// On by default: the server is meant for unbounded live streams, where one ever-growing segment
/// would show no final result until the client hangs up. single_utterance streams use these values
/// even when <see cref="Enabled"/> is false (a single utterance ends where the speaker pauses).
/// The defaults are <see cref="EndpointOptions"/>'s.
/// </remarks>
public sealed class EndpointingOptions
{
    public const string SectionName = "Endpointing";

    /// <summary>The <see cref="Detector"/> values.</summary>
    public const string EnergyDetector = "energy";

    /// <inheritdoc cref="EnergyDetector"/>
    public const string SileroDetector = "silero";

    /// <summary>False: a stream is one segment that ends when the client half-closes.</summary>
    public bool Enabled { get; set; } = EndpointOptions.Default.Enabled;

    /// <summary>
    /// What decides whether a 10 ms frame is speech: "energy" (the level-relative rules below) or "silero"
    /// (Silero VAD v5 from <see cref="SileroModelPath"/>; the energy keys are then unused). The segment
    /// rules and padding are the same for both.
    /// </summary>
    public string Detector { get; set; } = EnergyDetector;

    /// <summary>The Silero VAD file (relative: looked up from the content root and the current directory upwards).</summary>
    public string SileroModelPath { get; set; } = "models/vad/silero_vad.onnx";

    /// <summary>
    /// True: the server does not start when Silero is chosen but its file is missing or not the pinned one.
    /// False: it warns and runs the energy detector.
    /// </summary>
    public bool SileroRequired { get; set; }

    /// <summary>Silero: a 32 ms window whose speech probability is at least this starts speech.</summary>
    public double SileroThreshold { get; set; } = EndpointOptions.Default.SileroThreshold;

    /// <summary>Silero: speech lasts until a window's probability is below this (at most <see cref="SileroThreshold"/>).</summary>
    public double SileroNegThreshold { get; set; } = EndpointOptions.Default.SileroNegThreshold;

    /// <summary>
    /// A 10 ms frame quieter than this (RMS, dBFS) is silence whatever the stream's levels; -120..0. -90: only
    /// dither and digital silence (it was -40, which silenced quiet microphones; the rules below are relative).
    /// </summary>
    public double SpeechThresholdDbfs { get; set; } = EndpointOptions.Default.SpeechThresholdDbfs;

    /// <summary>dB a frame must be above the noise floor to be speech; empty (null) = the fixed threshold alone decides.</summary>
    public double? NoiseMarginDb { get; set; } = EndpointOptions.Default.NoiseMarginDb;

    /// <summary>ms of recent audio whose quietest frame is the noise floor.</summary>
    public int NoiseFloorWindowMs { get; set; } = EndpointOptions.Default.NoiseFloorWindowMs;

    /// <summary>dB below the recent speech peak beyond which a frame is silence; empty (null) = no peak rule.</summary>
    public double? SpeechRangeDb { get; set; } = EndpointOptions.Default.SpeechRangeDb;

    /// <summary>dB per second the remembered speech peak falls.</summary>
    public double PeakDecayDbPerSecond { get; set; } = EndpointOptions.Default.PeakDecayDbPerSecond;

    /// <summary>ms of audio before the first speech frame kept in the segment.</summary>
    public int LeadingPaddingMs { get; set; } = EndpointOptions.Default.LeadingPaddingMs;

    /// <summary>ms of silence after the last speech frame kept in the segment.</summary>
    public int TrailingPaddingMs { get; set; } = EndpointOptions.Default.TrailingPaddingMs;

    /// <summary>ms of speech a segment needs to count as speech (less is noise, rule 1).</summary>
    public int MinSpeechMs { get; set; } = EndpointOptions.Default.MinSpeechMs;

    /// <summary>Rule 1: ms of trailing silence that drop a segment with less than <see cref="MinSpeechMs"/> of speech.</summary>
    public int Rule1MinTrailingSilenceMs { get; set; } = EndpointOptions.Default.Rule1MinTrailingSilenceMs;

    /// <summary>Rule 2: ms of trailing silence that end a segment with speech (the pause that ends a sentence).</summary>
    public int Rule2MinTrailingSilenceMs { get; set; } = EndpointOptions.Default.Rule2MinTrailingSilenceMs;

    /// <summary>Rule 3: the longest segment in ms; a longer one is cut here, even mid-word.</summary>
    public int MaxSegmentMs { get; set; } = EndpointOptions.Default.MaxSegmentMs;

    /// <summary>The runtime's options for these values (enabled: single_utterance needs them either way).</summary>
    /// <param name="silero">The loaded Silero network when it is the detector that runs, else null.</param>
    public EndpointOptions ToEndpointOptions(SileroVadModel? silero = null) => new()
    {
        Enabled = true,
        SileroVad = silero,
        SileroThreshold = SileroThreshold,
        SileroNegThreshold = SileroNegThreshold,
        SpeechThresholdDbfs = SpeechThresholdDbfs,
        NoiseMarginDb = NoiseMarginDb,
        NoiseFloorWindowMs = NoiseFloorWindowMs,
        SpeechRangeDb = SpeechRangeDb,
        PeakDecayDbPerSecond = PeakDecayDbPerSecond,
        LeadingPaddingMs = LeadingPaddingMs,
        TrailingPaddingMs = TrailingPaddingMs,
        MinSpeechMs = MinSpeechMs,
        Rule1MinTrailingSilenceMs = Rule1MinTrailingSilenceMs,
        Rule2MinTrailingSilenceMs = Rule2MinTrailingSilenceMs,
        MaxSegmentMs = MaxSegmentMs,
    };
}
