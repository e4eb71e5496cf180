namespace LeaPformer.UnitTests.Support;

/// <summary>
/// A test that runs for minutes: skipped unless LEAPFORMER_LONG_TESTS=1, so the normal suite stays quick.
/// Run them with: LEAPFORMER_LONG_TESTS=1 dotnet test tests/UnitTests --filter Category=LongRunning
/// </summary>
public sealed class LongRunningFactAttribute : FactAttribute
{
    public const string EnvironmentVariable = "LEAPFORMER_LONG_TESTS";

    public LongRunningFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) != "1")
        {
            Skip = $"long-running; set {EnvironmentVariable}=1 to run it";
        }
    }
}
