using System.Diagnostics;
using System.Threading.Channels;
using LeaPformer.Streaming.Decoding;

namespace LeaPformer.Streaming;

/// <summary>
/// Batched decoding for a server: each stream awaits <see cref="DecodeAsync"/> instead of calling
/// <see cref="TranslationSession.Decode"/>; background workers gather the sessions waiting at that
/// moment (for up to <see cref="BatchDecodingOptions.MaxWait"/>) and run them as one
/// <see cref="TranslationEngine.DecodeBatch"/>. The updates are exactly those of Decode.
/// </summary>
/// <remarks>
/// One call per session at a time (a session is used by one thread at a time anyway): await it before
/// the next Accept*, Decode or Dispose of that session. Cancelling a call that a worker has not taken
/// yet ends it at once with <see cref="OperationCanceledException"/>; a call being decoded completes.
/// A failure inside a batch (an ONNX Runtime error) fails every call of that batch with it.
/// Register one per process (a singleton next to the <see cref="TranslationEngine"/>) and dispose it at
/// shutdown: queued calls are still decoded, then the workers end.
/// </remarks>
public sealed class BatchDecodingService : IAsyncDisposable, IDisposable
{
    private readonly TranslationEngine _translator;
    private readonly BatchDecodingOptions _options;
    private readonly Channel<Entry> _queue;
    private readonly Task[] _workers;
    private int _disposed;

    public BatchDecodingService(TranslationEngine translator, BatchDecodingOptions? options = null)
    {
        _translator = translator ?? throw new ArgumentNullException(nameof(translator));
        _options = (options ?? new BatchDecodingOptions()).Resolve();
        _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = _options.Workers == 1 });
        _workers = new Task[_options.Workers];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(WorkAsync);
        }
    }

    public BatchDecodingOptions Options => _options;

    /// <summary>
    /// Runs every model step the session's input allows now, batched with other sessions waiting, and
    /// appends the updates to <paramref name="updates"/> as <see cref="TranslationSession.Decode"/> would.
    /// </summary>
    /// <returns>How many updates were appended.</returns>
    /// <exception cref="InvalidOperationException">The session already has a call in flight.</exception>
    /// <exception cref="ObjectDisposedException">The service or the session was disposed.</exception>
    public ValueTask<int> DecodeAsync(TranslationSession session, List<SegmentUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(updates);
        ObjectDisposedException.ThrowIf(session.IsDisposed, session);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!ReferenceEquals(session.Bundle, _translator.Bundle))
        {
            throw new ArgumentException("The session belongs to another model bundle.", nameof(session));
        }

        var request = session.BatchRequest ??= new BatchDecodeRequest(session);
        short version = request.Prepare(updates, cancellationToken);
        if (!_queue.Writer.TryWrite(new Entry(request, version)))
        {
            request.Fail(new ObjectDisposedException(nameof(BatchDecodingService)));
        }

        return new ValueTask<int>(request, version);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete(); // workers decode what is queued, then stop
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<BatchDecodeRequest>(_options.MaxBatchSize);
        var sessions = new List<TranslationSession>(_options.MaxBatchSize);
        var updates = new List<List<SegmentUpdate>>(_options.MaxBatchSize);
        var counts = new int[_options.MaxBatchSize];
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Take(reader, batch);
            if (batch.Count > 0 && batch.Count < _options.MaxBatchSize && _options.MaxWait > TimeSpan.Zero)
            {
                await WaitForMoreAsync(reader, batch).ConfigureAwait(false);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            sessions.Clear();
            updates.Clear();
            for (int i = 0; i < batch.Count; i++)
            {
                sessions.Add(batch[i].Session);
                updates.Add(batch[i].Updates!);
                counts[i] = batch[i].Updates!.Count;
            }

            Run(batch, sessions, updates, counts);
            batch.Clear();
        }
    }

    private void Run(List<BatchDecodeRequest> batch, List<TranslationSession> sessions, List<List<SegmentUpdate>> updates, int[] countsBefore)
    {
        try
        {
            _translator.DecodeBatch(sessions, updates, _options.MaxBatchSize);
        }
        catch (Exception error)
        {
            foreach (var request in batch)
            {
                request.Fail(error);
            }

            return;
        }

        for (int i = 0; i < batch.Count; i++)
        {
            batch[i].Complete(updates[i].Count - countsBefore[i]);
        }
    }

    private void Take(ChannelReader<Entry> reader, List<BatchDecodeRequest> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var entry))
        {
            if (!entry.Request.TryStart(entry.Version))
            {
                continue; // cancelled while queued
            }

            if (entry.Request.Session.IsDisposed)
            {
                entry.Request.Fail(new ObjectDisposedException(nameof(TranslationSession)));
                continue;
            }

            batch.Add(entry.Request);
        }
    }

    private async ValueTask WaitForMoreAsync(ChannelReader<Entry> reader, List<BatchDecodeRequest> batch)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxWait.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < _options.MaxBatchSize)
        {
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            var more = reader.WaitToReadAsync();
            if (!more.IsCompleted)
            {
                var delay = Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
                if (await Task.WhenAny(more.AsTask(), delay).ConfigureAwait(false) == delay)
                {
                    return;
                }
            }
            else if (!more.Result)
            {
                return; // completed: shutting down
            }

            Take(reader, batch);
        }
    }

    private readonly record struct Entry(BatchDecodeRequest Request, short Version);
}
