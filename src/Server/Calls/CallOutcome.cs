namespace LeaPformer.Server.Calls;

/// <summary>How a translation call ended, in neither transport's terms (Services/CallStatus maps it to a status).</summary>
internal enum CallEnd
{
    /// <summary>The client half-closed, or its single utterance ended: every result was sent.</summary>
    Completed,

    /// <summary>A message the call cannot take: no config first, a second config, bad audio, a bad key set.</summary>
    InvalidInput,

    /// <summary>No audio for Streaming:IdleTimeout; the segment was finalized.</summary>
    IdleTimeout,

    /// <summary>The client's own deadline passed.</summary>
    ClientDeadline,

    /// <summary>Streaming:MaxStreamDuration reached; the segment was finalized.</summary>
    MaxDuration,

    /// <summary>The server is stopping: refused at the start, the grace period over, or its last moment.</summary>
    ShuttingDown,

    /// <summary>The server's or the key's stream limit was reached.</summary>
    ServerBusy,

    /// <summary>A message over Streaming:MaxMessageBytes.</summary>
    MessageTooLarge,

    /// <summary>The client stopped reading its responses for Streaming:ResponseStallTimeout.</summary>
    SlowClient,

    /// <summary>No API key, or one the server does not know.</summary>
    Unauthenticated,

    /// <summary>The client cancelled or went away; nothing more reaches it.</summary>
    ClientGone,

    /// <summary>The server failed on this stream (logged as an error); other streams are unaffected.</summary>
    Failed,
}

/// <summary>A call's end and the sentence that tells the client what happened and what to do.</summary>
internal sealed record CallOutcome(CallEnd End, string Message)
{
    public static readonly CallOutcome Completed = new(CallEnd.Completed, "");

    public bool IsCompleted => End == CallEnd.Completed;

    public static CallOutcome Invalid(string message) => new(CallEnd.InvalidInput, message);

    public static CallOutcome ClientGone() => new(CallEnd.ClientGone, "The client cancelled the stream or went away.");

    public static CallOutcome MessageTooLarge(int maxMessageBytes) => new(CallEnd.MessageTooLarge,
        $"A request message was larger than the server's limit of {maxMessageBytes} bytes (Streaming:MaxMessageBytes); " +
        "send the audio in smaller messages, e.g. 100 ms each.");
}

/// <summary>
/// An abnormal end raised where it is found (bad input, a failing model, a transport that broke)
/// and caught once, by the call. Normal ends (half-close, the idle clock, the stream's duration,
/// the shutdown grace period) are return values, not exceptions.
/// </summary>
internal sealed class CallEndedException(CallOutcome outcome, Exception? inner = null) : Exception(outcome.Message, inner)
{
    public CallOutcome Outcome { get; } = outcome;
}
