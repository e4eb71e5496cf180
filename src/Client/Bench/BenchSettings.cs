namespace LeaPformer.Client.Bench;

/// <summary>What one load-generator run does (<c>leapformer bench</c>).</summary>
/// <param name="Streams">Concurrent streams.</param>
/// <param name="Paced">Send each chunk only once its audio would have been recorded (a live microphone); false = as fast as the server takes it.</param>
/// <param name="ChunkMs">ms of audio per request message.</param>
/// <param name="RampSeconds">Stream starts are spread evenly over this many seconds (stream i starts at i * ramp / streams).</param>
/// <param name="WaitK">Wait-k lag; 0 = the server's default, -1 = offline.</param>
/// <param name="LagThresholdMs">Real time holds when every paced stream's p95 token lag is at most this.</param>
public sealed record BenchSettings(
    int Streams = 1,
    bool Paced = true,
    int ChunkMs = 100,
    double RampSeconds = 0,
    int WaitK = 0,
    double LagThresholdMs = 1000);
