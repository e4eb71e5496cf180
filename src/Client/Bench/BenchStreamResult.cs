using Grpc.Core;

namespace LeaPformer.Client.Bench;

/// <summary>What one stream of a run measured.</summary>
/// <param name="Status">How the call ended (OK, or the error status the server or the transport gave).</param>
/// <param name="StartMs">When its first request was written, in ms since the run began.</param>
/// <param name="AudioMs">Audio sent (ms).</param>
/// <param name="WallMs">From the first audio sent to the end of the call.</param>
/// <param name="Tokens">Tokens received.</param>
/// <param name="FinalResults">Final results received (one per segment that ended).</param>
/// <param name="LagsMs">Paced streams: each token's arrival minus the moment the audio it waited for had been sent; empty when unpaced.</param>
/// <param name="MaxSendSlipMs">Paced streams: the latest a chunk was sent after it was due (the client's own pacing falling behind).</param>
internal sealed record BenchStreamResult(
    int Index,
    StatusCode Status,
    string Detail,
    double StartMs,
    double AudioMs,
    double WallMs,
    int Tokens,
    int FinalResults,
    float[] LagsMs,
    double MaxSendSlipMs);
