using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Options;

/// <summary>
/// Refuses at start what the runtime would refuse on the first stream (and a threshold above 0 dBFS,
/// which no audio reaches), with messages that name the key. Checked even when endpointing is
/// disabled: single_utterance streams use these values.
/// </summary>
internal sealed class EndpointingOptionsValidator : IValidateOptions<EndpointingOptions>
{
    /// <summary>The longest window, padding or rule time accepted (ms): ten minutes.</summary>
    public const int MaxMs = 600_000;

    public ValidateOptionsResult Validate(string? name, EndpointingOptions options)
    {
        var failures = new List<string>();
        var section = EndpointingOptions.SectionName;
        if (!double.IsFinite(options.SpeechThresholdDbfs) || options.SpeechThresholdDbfs is < -120 or > 0)
        {
            failures.Add($"{section}:{nameof(options.SpeechThresholdDbfs)} must be a level in dBFS from -120 to 0, not {options.SpeechThresholdDbfs}.");
        }

        if (options.NoiseMarginDb is { } margin && (!double.IsFinite(margin) || margin is < 0 or > 120))
        {
            failures.Add($"{section}:{nameof(options.NoiseMarginDb)} must be 0..120 dB, or empty to use the fixed threshold only; not {margin}.");
        }

        if (options.SpeechRangeDb is { } range && (!double.IsFinite(range) || range is <= 0 or > 120))
        {
            failures.Add($"{section}:{nameof(options.SpeechRangeDb)} must be more than 0 and at most 120 dB, or empty for no peak rule; not {range}.");
        }

        if (!double.IsFinite(options.PeakDecayDbPerSecond) || options.PeakDecayDbPerSecond is < 0 or > 1000)
        {
            failures.Add($"{section}:{nameof(options.PeakDecayDbPerSecond)} must be 0..1000 dB a second, not {options.PeakDecayDbPerSecond}.");
        }

        if (!string.Equals(options.Detector, EndpointingOptions.EnergyDetector, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Detector, EndpointingOptions.SileroDetector, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{section}:{nameof(options.Detector)} must be '{EndpointingOptions.EnergyDetector}' or '{EndpointingOptions.SileroDetector}', not '{options.Detector}'.");
        }

        if (string.IsNullOrWhiteSpace(options.SileroModelPath))
        {
            failures.Add($"{section}:{nameof(options.SileroModelPath)} must name the Silero VAD file (default models/vad/silero_vad.onnx).");
        }

        if (!double.IsFinite(options.SileroThreshold) || options.SileroThreshold is <= 0 or > 1)
        {
            failures.Add($"{section}:{nameof(options.SileroThreshold)} must be a probability above 0 and at most 1, not {options.SileroThreshold}.");
        }

        if (!double.IsFinite(options.SileroNegThreshold) || options.SileroNegThreshold < 0 || options.SileroNegThreshold > options.SileroThreshold)
        {
            failures.Add($"{section}:{nameof(options.SileroNegThreshold)} must be a probability from 0 to {nameof(options.SileroThreshold)} ({options.SileroThreshold}), not {options.SileroNegThreshold}.");
        }

        Check(failures, nameof(options.NoiseFloorWindowMs), options.NoiseFloorWindowMs, 1);
        Check(failures, nameof(options.LeadingPaddingMs), options.LeadingPaddingMs, 0);
        Check(failures, nameof(options.TrailingPaddingMs), options.TrailingPaddingMs, 0);
        Check(failures, nameof(options.MinSpeechMs), options.MinSpeechMs, 0);
        Check(failures, nameof(options.Rule1MinTrailingSilenceMs), options.Rule1MinTrailingSilenceMs, 1);
        Check(failures, nameof(options.Rule2MinTrailingSilenceMs), options.Rule2MinTrailingSilenceMs, 1);
        Check(failures, nameof(options.MaxSegmentMs), options.MaxSegmentMs, 1);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, int value, int min)
    {
        if (value < min || value > MaxMs)
        {
            failures.Add($"{EndpointingOptions.SectionName}:{key} must be {min}..{MaxMs} ms, not {value}.");
        }
    }
}
