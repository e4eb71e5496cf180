namespace LeaPformer.Client.Translation;

/// <param name="SourceMs">Audio of the segment the server had read when it committed the token (ms).</param>
/// <param name="ArrivalMs">When the token reached the client, in ms since the first audio was sent
/// (the computation-aware delay when streaming in real time).</param>
public readonly record struct ReceivedToken(int Id, string Piece, long SourceMs, double ArrivalMs);
