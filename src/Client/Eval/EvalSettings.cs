namespace LeaPformer.Client.Eval;

/// <summary>One evaluation run.</summary>
/// <param name="WaitK">Wait-k lag in source units; 0 = the server's default, -1 = offline.</param>
/// <param name="RealTime">Send the audio at real-time pace (a live microphone) instead of unpaced.</param>
/// <param name="ChunkMs">ms of audio per request message.</param>
/// <param name="Concurrency">Streams at once. Above 1, they share the server's CPU, which inflates computation-aware latency.</param>
/// <param name="Limit">Evaluate only the first rows of the manifest; null = all.</param>
internal sealed record EvalSettings(
    string ManifestPath,
    string OutputFolder,
    int WaitK = 0,
    bool RealTime = false,
    int ChunkMs = 100,
    int Concurrency = 1,
    int? Limit = null);
