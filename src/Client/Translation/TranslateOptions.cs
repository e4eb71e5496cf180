using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Translation;

/// <summary>How one file is streamed.</summary>
/// <param name="WaitK">Wait-k lag in source units; 0 = the server's default, -1 = offline.</param>
/// <param name="ChunkMs">ms of audio per request message.</param>
/// <param name="RealTime">Send each chunk only once its audio would have been recorded (a live microphone); false = as fast as possible.</param>
/// <param name="Timeout">Deadline of the whole call; null = none.</param>
public sealed record TranslateOptions(
    int WaitK = 0,
    int ChunkMs = 100,
    bool RealTime = true,
    bool SingleUtterance = false,
    AudioEncoding Encoding = AudioEncoding.Linear16,
    string SourceLanguage = "",
    string TargetLanguage = "",
    TimeSpan? Timeout = null);
