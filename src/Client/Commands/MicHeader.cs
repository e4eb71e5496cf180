namespace LeaPformer.Client.Commands;

/// <summary>What a <c>mic</c> session shows above the translation.</summary>
/// <param name="Server">The server's address.</param>
/// <param name="Model">The model the server serves.</param>
/// <param name="WaitK">The k in use, e.g. "3" or "3 (the server's default)".</param>
/// <param name="Source">What records, e.g. "arecord -q -f S16_LE ..." or "stdin (16-bit PCM, 16000 Hz)".</param>
internal sealed record MicHeader(Uri Server, string Model, string WaitK, string Source);
