namespace LeaPformer.Client.Capture;

/// <summary>No audio can be captured: no capture tool or device, or the source failed. The message says which and what to do.</summary>
public sealed class CaptureException(string message, Exception? innerException = null) : Exception(message, innerException);
