namespace LeaPformer.Streaming;

/// <summary>
/// Endpointing: energy-based voice activity on 10 ms frames of the 16 kHz audio, and trailing-silence
/// rules in the manner of sherpa-onnx's rule1/rule2/rule3, that cut a stream into segments. Each
/// segment is translated as if it were its own utterance: its source is finished at the endpoint and
/// every state starts again from zero for the next one.
/// </summary>
/// <remarks>
/// <para>A 10 ms frame is speech when its level (RMS in dBFS: 0 dB = a full-scale square wave) is
/// <list type="bullet">
/// <item>at least <see cref="NoiseMarginDb"/> above the noise floor: the quietest frame of the last
/// <see cref="NoiseFloorWindowMs"/> before it (none before the stream's first frame, which is never speech);</item>
/// <item>no more than <see cref="SpeechRangeDb"/> below the speech peak: the loudest speech frame so far,
/// falling by <see cref="PeakDecayDbPerSecond"/> (none before the first speech frame);</item>
/// <item>and at least <see cref="SpeechThresholdDbfs"/>, a floor only just above digital silence.</item>
/// </list>
/// Both estimates follow the stream's own levels, so a gain applied to the whole stream moves the floor,
/// the peak and every frame together and the decisions stay the same: a laptop microphone whose speech
/// peaks at -45 dBFS is heard as one at -3 dBFS is. With <see cref="NoiseMarginDb"/> null the fixed
/// threshold alone decides (no level-relative rule).</para>
/// <para>A segment opens at the first speech frame, with up to <see cref="LeadingPaddingMs"/> of the audio
/// before it. Silence after the last speech frame is read by the model only up to
/// <see cref="TrailingPaddingMs"/>; the rest is held back until speech resumes (then it is read, as a
/// pause inside the segment) or the segment ends (then it is dropped). Audio outside every segment
/// costs no model step.</para>
/// <para>Rules, checked after every frame of an open segment:
/// rule 1: trailing silence &gt;= <see cref="Rule1MinTrailingSilenceMs"/> while the segment holds less than
/// <see cref="MinSpeechMs"/> of speech: the segment is dropped without output (if a token was already
/// committed it cannot be retracted, so the segment ends normally instead);
/// rule 2: trailing silence &gt;= <see cref="Rule2MinTrailingSilenceMs"/> after at least <see cref="MinSpeechMs"/> of speech;
/// rule 3: the segment is <see cref="MaxSegmentMs"/> long.</para>
/// </remarks>
public sealed record EndpointOptions
{
    /// <summary>No endpointing: the whole stream is one segment that ends at InputFinished.</summary>
    public static EndpointOptions Disabled { get; } = new() { Enabled = false };

    /// <summary>Endpointing on, with the defaults below.</summary>
    public static EndpointOptions Default { get; } = new();

    /// <summary>False: the whole stream is one segment (and no voice activity is computed).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Frames quieter than this are silence, whatever the stream's levels. -90 dBFS is a few 16-bit LSBs:
    /// it only keeps dither and digital silence out; the level-relative rules decide everything louder.
    /// </summary>
    /// <remarks>Keep it far below speech: a quiet microphone's speech peaks at -40 to -50 dBFS, and its
    /// 10 ms frames are mostly below -50 dBFS RMS; an absolute threshold near those levels silences it.</remarks>
    public double SpeechThresholdDbfs { get; init; } = -90;

    /// <summary>dB a frame must be above the noise floor to be speech; null = the fixed threshold alone decides.</summary>
    public double? NoiseMarginDb { get; init; } = 15;

    /// <summary>The noise floor is the quietest frame of this much recent audio (whole 500 ms blocks).</summary>
    public int NoiseFloorWindowMs { get; init; } = 3000;

    /// <summary>
    /// dB below the speech peak beyond which a frame is silence (breaths, room tone and reverberation after
    /// loud speech); null = no peak rule. 40 dB: what a fixed -40 dBFS threshold is for speech peaking
    /// near full scale.
    /// </summary>
    public double? SpeechRangeDb { get; init; } = 40;

    /// <summary>
    /// dB per second the remembered speech peak falls, so that a quieter speaker after a loud one is heard
    /// again within a few seconds (10: 20 dB in 2 s; a reverberation tail falls 60 dB in well under a second).
    /// </summary>
    public double PeakDecayDbPerSecond { get; init; } = 10;

    /// <summary>
    /// The neural detector that decides speech instead of the energy rules above (which it then ignores);
    /// null = the energy detector. Only the speech/non-speech decision changes: padding and rules stay.
    /// </summary>
    public SileroVadModel? SileroVad { get; init; }

    /// <summary>Silero: a 32 ms window with a speech probability at least this starts speech (the reference's 0.5).</summary>
    public double SileroThreshold { get; init; } = 0.5;

    /// <summary>Silero: speech goes on until a window's probability falls below this (the reference's threshold - 0.15).</summary>
    public double SileroNegThreshold { get; init; } = 0.35;

    /// <summary>Audio before the first speech frame included in the segment (an energy detector hears onsets late).</summary>
    public int LeadingPaddingMs { get; init; } = 200;

    /// <summary>Silence after the last speech frame included in the segment.</summary>
    public int TrailingPaddingMs { get; init; } = 200;

    /// <summary>Speech a segment needs before rule 2 applies to it; less is treated as noise (rule 1).</summary>
    public int MinSpeechMs { get; init; } = 100;

    /// <summary>Rule 1: trailing silence that drops a segment with less than <see cref="MinSpeechMs"/> of speech.</summary>
    public int Rule1MinTrailingSilenceMs { get; init; } = 2400;

    /// <summary>Rule 2: trailing silence that ends a segment with speech.</summary>
    public int Rule2MinTrailingSilenceMs { get; init; } = 1200;

    /// <summary>Rule 3: the longest segment; a longer one is cut here, even mid-word.</summary>
    public int MaxSegmentMs { get; init; } = 20000;

    /// <summary>
    /// Every value these options refuse (empty when all are usable), checked whether or not
    /// <see cref="Enabled"/>: the server validates them at start (single_utterance streams use them
    /// even when ordinary streams are not segmented); a session refuses them when enabled.
    /// </summary>
    public IReadOnlyList<OptionProblem> Problems() => new OptionRules()
        .Require(double.IsFinite(SpeechThresholdDbfs) && SpeechThresholdDbfs is >= -120 and <= 0,
            nameof(SpeechThresholdDbfs), SpeechThresholdDbfs, "must be a level in dBFS from -120 to 0")
        .Require(NoiseMarginDb is not { } margin || (double.IsFinite(margin) && margin is >= 0 and <= 120),
            nameof(NoiseMarginDb), NoiseMarginDb, "must be 0..120 dB, or empty to use the fixed threshold only;")
        .Require(SpeechRangeDb is not { } range || (double.IsFinite(range) && range is > 0 and <= 120),
            nameof(SpeechRangeDb), SpeechRangeDb, "must be more than 0 and at most 120 dB, or empty for no peak rule;")
        .Require(double.IsFinite(PeakDecayDbPerSecond) && PeakDecayDbPerSecond is >= 0 and <= 1000,
            nameof(PeakDecayDbPerSecond), PeakDecayDbPerSecond, "must be 0..1000 dB a second")
        .Require(double.IsFinite(SileroThreshold) && SileroThreshold is > 0 and <= 1,
            nameof(SileroThreshold), SileroThreshold, "must be a probability above 0 and at most 1")
        .Require(double.IsFinite(SileroNegThreshold) && SileroNegThreshold >= 0 && SileroNegThreshold <= SileroThreshold,
            nameof(SileroNegThreshold), SileroNegThreshold, $"must be a probability from 0 to {nameof(SileroThreshold)} ({SileroThreshold})")
        .Milliseconds(NoiseFloorWindowMs, nameof(NoiseFloorWindowMs), 1)
        .Milliseconds(LeadingPaddingMs, nameof(LeadingPaddingMs), 0)
        .Milliseconds(TrailingPaddingMs, nameof(TrailingPaddingMs), 0)
        .Milliseconds(MinSpeechMs, nameof(MinSpeechMs), 0)
        .Milliseconds(Rule1MinTrailingSilenceMs, nameof(Rule1MinTrailingSilenceMs), 1)
        .Milliseconds(Rule2MinTrailingSilenceMs, nameof(Rule2MinTrailingSilenceMs), 1)
        .Milliseconds(MaxSegmentMs, nameof(MaxSegmentMs), 1)
        .Problems;

    /// <exception cref="ArgumentOutOfRangeException">A value out of range (ParamName = the property).</exception>
    internal void Validate()
    {
        if (Enabled)
        {
            OptionProblem.ThrowIfAny(Problems());
        }
    }
}
