using LeaPformer.Contracts.V1;

namespace LeaPformer.Server.Calls;

/// <summary>What a call reads: the transport's messages, with its failures classified.</summary>
internal interface ICallInput
{
    /// <summary>The next request, or null when the client half-closed.</summary>
    /// <exception cref="CallEndedException">A message the transport refused (too large, malformed) or the client went away.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<StreamingTranslateRequest?> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Where a call's responses go; one write at a time.</summary>
internal interface ICallOutput
{
    /// <summary>Completes when the transport has taken the response (a client that stops reading leaves it pending).</summary>
    Task WriteAsync(StreamingTranslateResponse response, CancellationToken cancellationToken);
}

/// <summary>
/// The transport's facts a call needs: its id in the logs (the HTTP request's TraceIdentifier),
/// the token cancelled when the client goes away, and the client's deadline (none: MaxValue).
/// </summary>
internal sealed record CallTransport(string StreamId, CancellationToken Aborted, DateTime Deadline);
