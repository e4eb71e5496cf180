using LeaPformer.Streaming;

namespace LeaPformer.Server.Models;

/// <summary>
/// Runs the model steps a session's input allows: through the process-wide
/// <see cref="BatchDecodingService"/> when Batching:Enabled (stacked with the other streams waiting
/// at that moment), else on the caller's thread. The updates are the same either way.
/// </summary>
internal sealed class SessionDecoder(BatchDecodingService? batches)
{
    /// <summary>Null when batching is disabled.</summary>
    public BatchDecodingService? Batches => batches;

    /// <summary>
    /// Appends the session's new updates to <paramref name="updates"/>. Must be awaited before the
    /// session's next Accept*, decode or Dispose.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled before a batch took the session (the session is untouched).</exception>
    public ValueTask<int> DecodeAsync(TranslationSession session, List<SegmentUpdate> updates, CancellationToken cancellationToken)
        => batches is null ? new ValueTask<int>(session.Decode(updates)) : batches.DecodeAsync(session, updates, cancellationToken);
}
