using LeaPformer.Streaming;

namespace LeaPformer.Server.Options;

/// <summary>
/// The server's own keys of the "Endpointing" section: which speech detector decides the pauses
/// that cut a stream into segments. The rest of the section (Enabled, the energy rules, padding,
/// the segment rules) binds to the runtime's <see cref="EndpointOptions"/>, which defines and checks them.
/// </summary>
public sealed class SpeechDetectorOptions
{
    public const string SectionName = "Endpointing";

    /// <summary>The <see cref="Detector"/> values.</summary>
    public const string EnergyDetector = "energy";

    /// <inheritdoc cref="EnergyDetector"/>
    public const string SileroDetector = "silero";

    /// <summary>
    /// What decides whether a 10 ms frame is speech: "energy" (the level-relative rules of
    /// <see cref="EndpointOptions"/>) or "silero" (Silero VAD v5 from <see cref="SileroModelPath"/>; the
    /// energy keys are then unused). The segment rules and padding are the same for both. Silero by default: on 73
    /// minutes of real speech by 261 speakers it keeps the pauses and the speech at 0-20 dB SNR where the energy rules
    /// lose them (docs/benchmarks.md, "Endpointing on real speech"); "energy" costs about a tenth of its CPU.
    /// </summary>
    public string Detector { get; set; } = SileroDetector;

    /// <summary>The Silero VAD file (relative: looked up from the content root and the current directory upwards).</summary>
    public string SileroModelPath { get; set; } = "models/vad/silero_vad.onnx";

    /// <summary>
    /// True: the server does not start when Silero is chosen but its file is missing or not the pinned one.
    /// False: it warns and runs the energy detector.
    /// </summary>
    public bool SileroRequired { get; set; }

    /// <summary>Every value these options refuse.</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var problems = new List<OptionProblem>();
        if (!string.Equals(Detector, EnergyDetector, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Detector, SileroDetector, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(nameof(Detector), Detector, $"must be '{EnergyDetector}' or '{SileroDetector}', not '{Detector}'."));
        }

        if (string.IsNullOrWhiteSpace(SileroModelPath))
        {
            problems.Add(new(nameof(SileroModelPath), SileroModelPath, "must name the Silero VAD file (default models/vad/silero_vad.onnx)."));
        }

        return problems;
    }
}
