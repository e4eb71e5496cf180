namespace LeaPformer.Streaming;

/// <summary>One committed target token.</summary>
/// <param name="SourceMs">ms of segment audio read when the token was committed (its wait-k delay).</param>
public readonly record struct CommittedToken(int Id, string Piece, long SourceMs);
