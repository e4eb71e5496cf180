namespace LeaPformer.Client.Capture;

/// <summary>What <c>leapformer mic</c> was asked to record.</summary>
/// <param name="Stdin">Read raw PCM from standard input instead of a device.</param>
/// <param name="SampleRate">Hz: what the recorder is asked for, or what stdin carries.</param>
/// <param name="Device">A recorder's device name (arecord -D, parec -d, sox's AUDIODEV; on Windows a number or part of a name); null = the default.</param>
internal sealed record CaptureRequest(bool Stdin, int SampleRate, string? Device);
