using System.Globalization;
using LeaPformer.Client.Capture;

namespace LeaPformer.Client.Commands;

/// <summary>The closing line of a <c>mic</c> session.</summary>
internal static class MicSummary
{
    public static string Describe(LiveOutcome outcome)
    {
        var translation = outcome.Translation;
        var end = outcome.Stopped ? "stopped" : "input ended";
        var final = outcome.Complete ? "" : "; the server's final result did not come in time";
        return string.Create(CultureInfo.InvariantCulture,
            $"{end}: {translation.AudioMs / 1000:0.0} s of audio, {translation.Segments.Count} segment(s), {translation.Segments.Count(s => s.IsFinal)} final{final}");
    }
}
