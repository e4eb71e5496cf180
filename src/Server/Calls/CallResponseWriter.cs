using System.Threading.Channels;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Server.Calls;

/// <summary>
/// The only task that writes a call's responses. The call queues them through a bounded channel,
/// so a client that reads slowly slows the reading of its own audio, nothing else. A response the
/// transport has not taken within ResponseStallTimeout (HTTP/2 or TCP flow control: the client
/// stopped reading) ends the call with <see cref="CallEnd.SlowClient"/>.
/// </summary>
internal sealed class CallResponseWriter
{
    private readonly Channel<StreamingTranslateResponse> _queue;
    private readonly ICallOutput _output;
    private readonly TimeSpan _stallTimeout;
    private readonly CancellationTokenSource _halt;
    private readonly CancellationTokenSource _abort;
    private readonly Task _writing;
    private Task? _stalledWrite; // the write the client stopped taking, if it did

    /// <param name="halt">Stops the writer between writes; the writer cancels it when it fails, to stop the reader too.</param>
    /// <param name="abort">Cuts a write in progress: the client went away, or shutdown's last moment.</param>
    public CallResponseWriter(ICallOutput output, int bufferSize, TimeSpan stallTimeout, CancellationTokenSource halt, CancellationTokenSource abort)
    {
        _queue = Channel.CreateBounded<StreamingTranslateResponse>(
            new BoundedChannelOptions(bufferSize) { SingleReader = true, SingleWriter = true });
        (_output, _stallTimeout, _halt, _abort) = (output, stallTimeout, halt, abort);
        _writing = WriteAllAsync();
    }

    /// <summary>Queues a response; waits while the queue is full.</summary>
    public ValueTask QueueAsync(StreamingTranslateResponse response, CancellationToken cancellationToken)
        => _queue.Writer.WriteAsync(response, cancellationToken);

    /// <summary>No more responses: completes when every queued one is written.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.Complete();
        return _writing;
    }

    /// <summary>
    /// The reader failed with <paramref name="readError"/>: stops the writer and returns the error the
    /// call ends with, the writer's own when it failed first and cancelled the reader.
    /// </summary>
    public async Task<Exception> StopAsync(Exception readError)
    {
        _queue.Writer.TryComplete();
        await _halt.CancelAsync(); // stops the writer between writes; a stuck write is the writer's to time out
        try
        {
            await _writing;
        }
        catch (Exception writeError) when (readError is OperationCanceledException)
        {
            return writeError;
        }
        catch (Exception)
        {
            // the reader's error is what the client must see; the writer was only stopped
        }

        return readError;
    }

    /// <summary>
    /// After a stall: gives the client one more ResponseStallTimeout to take the stuck response, so a
    /// client that reads again gets what was buffered and then the status; past that, the write is
    /// cancelled (Kestrel resets the HTTP/2 stream).
    /// </summary>
    public async Task DrainAsync()
    {
        if (_stalledWrite is not { } stalled)
        {
            return;
        }

        try
        {
            await stalled.WaitAsync(_stallTimeout, _abort.Token);
            return;
        }
        catch (Exception)
        {
            // still stuck, or the client went away
        }

        await _abort.CancelAsync();
        try
        {
            await stalled;
        }
        catch (Exception)
        {
            // cancelled: nothing more can reach this client
        }
    }

    private async Task WriteAllAsync()
    {
        try
        {
            await foreach (var response in _queue.Reader.ReadAllAsync(_halt.Token))
            {
                var write = _output.WriteAsync(response, _abort.Token);
                if (!write.IsCompleted)
                {
                    try
                    {
                        await write.WaitAsync(_stallTimeout, _abort.Token);
                    }
                    catch (TimeoutException)
                    {
                        _stalledWrite = write;
                        throw new CallEndedException(new CallOutcome(CallEnd.SlowClient,
                            $"The client did not read its responses for {_stallTimeout.TotalSeconds:0.#} s (Streaming:ResponseStallTimeout) " +
                            $"with {_queue.Reader.Count + 1} waiting; the stream was closed. Read the response stream while sending audio."));
                    }
                }

                await write; // its exception, if any
            }
        }
        catch (Exception ex)
        {
            await _halt.CancelAsync(); // unblocks the reader if it waits on a full queue
            if (ex is OperationCanceledException or CallEndedException)
            {
                throw;
            }

            // the transport failed under the write: the client reset the stream or the connection dropped
            throw new CallEndedException(CallOutcome.ClientGone(), ex);
        }
    }
}
