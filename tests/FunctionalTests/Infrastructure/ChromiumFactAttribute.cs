namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// A fact that needs a Chromium binary: Debian's (/usr/bin/chromium; .ci/run installs it) or the one
/// LEAPFORMER_CHROMIUM names. Skipped, and says why, only when there is none; Playwright never
/// downloads a browser of its own here.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string EnvironmentVariable = "LEAPFORMER_CHROMIUM";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath))
        {
            Skip = $"No Chromium at {ExecutablePath}: install it (apt-get install chromium) or set {EnvironmentVariable} to a Chromium binary.";
        }
    }

    public static string ExecutablePath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(configured) ? "/usr/bin/chromium" : configured;
        }
    }
}
