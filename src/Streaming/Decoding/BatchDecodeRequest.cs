using System.Threading.Tasks.Sources;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// A session's request to <see cref="BatchDecodingService"/>: the awaitable behind its ValueTask,
/// reused for every call of that session (one at a time), so a request allocates nothing.
/// </summary>
/// <remarks>
/// States: idle -> preparing -> queued -> running -> done -> (awaited) idle. Cancellation completes a request only
/// while it is queued; once a worker runs it, the caller's await ends after the batch, so the session
/// is never in use by a worker when the await returns (the caller may then dispose it).
/// </remarks>
internal sealed class BatchDecodeRequest(TranslationSession session) : IValueTaskSource<int>
{
    private const int Idle = 0;
    private const int Queued = 1;
    private const int Running = 2;
    private const int Done = 3;
    private const int Preparing = 4;

    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private int _state;

    public TranslationSession Session { get; } = session;

    public List<SegmentUpdate>? Updates { get; private set; }

    /// <summary>Readies the request for one call; returns the token of its ValueTask.</summary>
    /// <exception cref="InvalidOperationException">The session already has a call in flight.</exception>
    public short Prepare(List<SegmentUpdate> updates, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Preparing, Idle) != Idle)
        {
            throw new InvalidOperationException("This session already has a DecodeAsync in flight; await it before the next call.");
        }

        // Queued only once the new version exists: a stale queue entry of the previous call never matches it.
        _core.Reset();
        Updates = updates;
        short version = _core.Version;
        Volatile.Write(ref _state, Queued);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((BatchDecodeRequest)state!).TryCancel(token), this);
        }

        return version;
    }

    /// <summary>A worker takes the request; false if it was cancelled meanwhile or the queue entry is stale.</summary>
    public bool TryStart(short version) =>
        version == _core.Version && Interlocked.CompareExchange(ref _state, Running, Queued) == Queued;

    public void Complete(int updates)
    {
        _registration.Unregister();
        Volatile.Write(ref _state, Done);
        _core.SetResult(updates);
    }

    /// <summary>Fails a request that is running, or still queued (when the service shuts down).</summary>
    public void Fail(Exception error)
    {
        int previous = Interlocked.Exchange(ref _state, Done);
        if (previous is Queued or Running)
        {
            _registration.Unregister();
            _core.SetException(error);
        }
    }

    public int GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Updates = null;
            Volatile.Write(ref _state, Idle);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Done, Queued) == Queued)
        {
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
