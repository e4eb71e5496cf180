namespace LeaPformer.Client.Capture;

/// <summary>What capture selection looks at, so tests can give it another PATH or stdin.</summary>
/// <param name="OpenStdin">Standard input as a raw byte stream.</param>
/// <param name="SearchPath">Where to look for recorders; null = this process's PATH.</param>
/// <param name="IsWindows">Use waveIn instead of a recorder; null = whether this is Windows.</param>
internal sealed record CaptureEnvironment(Func<Stream> OpenStdin, string? SearchPath = null, bool? IsWindows = null)
{
    public static CaptureEnvironment Process { get; } = new(Console.OpenStandardInput);
}
