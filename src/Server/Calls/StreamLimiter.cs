using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Calls;

/// <summary>Counts the streams being served against <see cref="StreamingOptions.MaxConcurrentStreams"/>.</summary>
internal sealed class StreamLimiter(IOptions<StreamingOptions> options)
{
    private int _active;

    public int Limit { get; } = options.Value.MaxConcurrentStreams;

    /// <summary>Streams holding a slot now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes a slot; false when all are taken. Every true must be paired with <see cref="Release"/>.</summary>
    public bool TryAcquire()
    {
        if (Interlocked.Increment(ref _active) <= Limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _active);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _active);
}
