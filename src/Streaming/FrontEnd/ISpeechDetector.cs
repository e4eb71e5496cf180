namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// One stream's speech/non-speech decision for each 10 ms frame of its 16 kHz audio, in stream order
/// (the last frame of a stream may be shorter). The endpoint rules in <see cref="AudioFrontEnd"/> read
/// nothing else, so the detectors are interchangeable.
/// </summary>
internal interface ISpeechDetector : IDisposable
{
    /// <summary>Classifies the next frame, then adds it to the detector's state.</summary>
    bool IsSpeech(ReadOnlySpan<float> frame);
}
