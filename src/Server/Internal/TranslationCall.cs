using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Options;
using LeaPformer.Streaming;
using SegmentEndReason = LeaPformer.Streaming.SegmentEndReason;

namespace LeaPformer.Server.Internal;

/// <summary>
/// One StreamingTranslate call: this class's loop reads the requests and runs the model;
/// exactly one writer task owns the response stream and is fed through a bounded channel,
/// so a slow reader on the client side slows the server's reading of its audio, nothing else.
/// </summary>
/// <remarks>
/// How a call ends, and with which status (docs/streaming-api.md, README "Limits and errors"):
/// the client half-closes (OK, after the final result); bad input (INVALID_ARGUMENT, no final
/// result); the server ends the input — no audio for IdleTimeout (DEADLINE_EXCEEDED),
/// MaxStreamDuration reached (OUT_OF_RANGE), the shutdown grace period over (UNAVAILABLE) — after
/// finalizing the segment and sending its final result; the client stops reading its responses
/// (RESOURCE_EXHAUSTED after ResponseStallTimeout); the client cancels or goes away (CANCELLED).
/// With endpointing (Endpointing:Enabled) every pause ends a segment mid-stream: its final result and
/// END_OF_SEGMENT go out and the next segment starts; a single_utterance stream ends after its first
/// segment (END_OF_SINGLE_UTTERANCE, then OK; the rest of the client's audio is not read).
/// </remarks>
internal sealed class TranslationCall(
    LoadedModel model,
    SessionFactory sessions,
    SessionDecoder decoder,
    StreamLimiter limiter,
    ShutdownCoordinator shutdown,
    ServerMetrics metrics,
    StreamingOptions options,
    ILogger logger,
    ServerCallContext context)
{
    private readonly string _id = CallObservabilityInterceptor.StreamId(context);
    private readonly List<SegmentUpdate> _updates = [];
    private CancellationTokenSource? _idle;
    private Task? _stalledWrite; // the response write the client stopped taking, if it did
    private long _idleSince = Stopwatch.GetTimestamp();
    private bool _restartIdleClock;
    private int _finalSegments;
    private int _segmentIndex;
    private int _tokensSent; // tokens of segment _segmentIndex already on the wire
    private int _tokens;
    private double _audioSeconds;
    private double _computeSeconds;

    /// <summary>Why the server, not the client, ended a stream's input.</summary>
    private enum InputEnd
    {
        Idle,
        Duration,
        Shutdown,
    }

    public async Task RunAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests, IServerStreamWriter<StreamingTranslateResponse> responses)
    {
        if (shutdown.IsStopping)
        {
            ServerLog.StreamRefusedWhileStopping(logger, _id);
            throw new RpcException(new Status(StatusCode.Unavailable,
                "The server is shutting down and takes no new streams; retry shortly (another replica will serve you)."));
        }

        if (!limiter.TryAcquire())
        {
            ServerLog.StreamLimitReached(logger, _id, limiter.Active, limiter.Limit);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"The server is already serving its limit of {limiter.Limit} streams; retry later."));
        }

        metrics.ActiveStreams.Inc();
        // abort cuts everything, the response writes included: the client went away, or shutdown's last moment.
        // halt stops the reader and the model (any error, a client that stopped reading), not a write in progress.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, shutdown.HardStop);
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
        RpcException? error = null;
        try
        {
            await ServeAsync(requests, responses, halt, abort);
        }
        catch (RpcException ex)
        {
            if (ex.StatusCode != StatusCode.Internal)
            {
                ServerLog.StreamFailed(logger, _id, ex.StatusCode, ex.Status.Detail);
            }

            error = ex;
        }
        catch (Exception ex)
        {
            error = ToRpcException(ex);
        }
        finally
        {
            // The model session is already disposed (ServeAsync); the slot is free from here on.
            _idle?.Dispose();
            metrics.ActiveStreams.Dec();
            limiter.Release();
        }

        if (_stalledWrite is { } stalled)
        {
            await DrainAsync(stalled, abort);
        }

        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>
    /// A client stopped reading: give it one more ResponseStallTimeout to take the response stuck
    /// in HTTP/2 flow control, so that a client that reads again gets what was buffered and then the
    /// status; past that, the write is cancelled, and Kestrel resets the HTTP/2 stream.
    /// </summary>
    private async Task DrainAsync(Task stalled, CancellationTokenSource abort)
    {
        try
        {
            await stalled.WaitAsync(options.ResponseStallTimeout, abort.Token);
            return;
        }
        catch (Exception)
        {
            // still stuck, or the client went away
        }

        await abort.CancelAsync();
        try
        {
            await stalled;
        }
        catch (Exception)
        {
            // cancelled: nothing more can reach this client
        }
    }

    private async Task ServeAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests,
        IServerStreamWriter<StreamingTranslateResponse> responses,
        CancellationTokenSource halt,
        CancellationTokenSource abort)
    {
        // Ends the input, not the call: the stream's time is up, or the shutdown grace period is over.
        using var endInput = CancellationTokenSource.CreateLinkedTokenSource(halt.Token, shutdown.GraceExpired);
        endInput.CancelAfter(options.MaxStreamDuration);

        StreamingTranslateRequest? first;
        try
        {
            first = await ReadAsync(requests, endInput, halt);
        }
        catch (InputEndedException ended)
        {
            throw EndingStatus(ended.Reason, audioMs: null); // no config yet: nothing to finalize
        }

        if (first is null)
        {
            return; // half-closed before any config: nothing to translate
        }

        if (first.StreamingRequestCase != StreamingTranslateRequest.StreamingRequestOneofCase.Config)
        {
            throw Invalid(first.StreamingRequestCase == StreamingTranslateRequest.StreamingRequestOneofCase.AudioContent
                ? "Audio before config: the first message must carry the config."
                : "An empty first message: the first message must carry the config.");
        }

        var config = first.Config;
        if (ConfigValidator.Validate(config, model.Metadata) is { } problem)
        {
            throw Invalid(problem);
        }

        var session = CreateSession(config);
        metrics.SessionOpened();
        try
        {
            ServerLog.StreamStarted(logger, _id, config.Encoding, config.SampleRateHertz, session.WaitK, config.SingleUtterance);
            await TranslateAsync(requests, responses, config, session, endInput, halt, abort);
        }
        finally
        {
            session.Dispose();
            metrics.SessionClosed();
            if (_audioSeconds > 0)
            {
                metrics.RealTimeFactor.Observe(_computeSeconds / _audioSeconds);
            }
        }
    }

    /// <summary>Runs the reader loop against one writer task; throws the status the call ends with, if not OK.</summary>
    private async Task TranslateAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests,
        IServerStreamWriter<StreamingTranslateResponse> responses,
        StreamingTranslateConfig config,
        TranslationSession session,
        CancellationTokenSource endInput,
        CancellationTokenSource halt,
        CancellationTokenSource abort)
    {
        var channel = Channel.CreateBounded<StreamingTranslateResponse>(
            new BoundedChannelOptions(options.ResponseBufferSize) { SingleReader = true, SingleWriter = true });
        var writer = WriteAllAsync(channel.Reader, responses, halt, abort);
        RpcException? ending = null;
        try
        {
            if (await PumpAsync(requests, config, session, channel.Writer, endInput, halt) is { } reason)
            {
                // The server ended the input: the client still gets the segment's final result.
                ServerLog.InputEndedByServer(logger, _id, reason.ToString());
                ending = EndingStatus(reason, session.AudioMsAccepted);
                session.InputFinished();
                await ComputeAsync(session, null, config, halt.Token);
                await EmitAsync(channel.Writer, config.SingleUtterance, halt.Token);
            }

            channel.Writer.Complete();
            await writer;
        }
        catch (Exception readError)
        {
            channel.Writer.TryComplete();
            await halt.CancelAsync(); // stops the writer between writes; a stuck write is the writer's to time out
            var error = readError;
            try
            {
                await writer;
            }
            catch (Exception writeError) when (readError is OperationCanceledException)
            {
                error = writeError; // the writer failed first and cancelled the reader
            }
            catch (Exception)
            {
                // The reader's error is what the client must see; the writer was only stopped.
            }

            ExceptionDispatchInfo.Throw(error);
        }

        ServerLog.StreamEnded(logger, _id, session.AudioMsAccepted, _tokens, _finalSegments,
            _audioSeconds > 0 ? _computeSeconds / _audioSeconds : 0);
        if (ending is not null)
        {
            throw ending;
        }
    }

    /// <summary>
    /// The reader loop: audio in, model steps, results out through the channel. Returns null when
    /// the client half-closed (or a single utterance ended), else why the server ended the input.
    /// </summary>
    private async Task<InputEnd?> PumpAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests,
        StreamingTranslateConfig config,
        TranslationSession session,
        ChannelWriter<StreamingTranslateResponse> output,
        CancellationTokenSource endInput,
        CancellationTokenSource halt)
    {
        while (true)
        {
            StreamingTranslateRequest? request;
            try
            {
                request = await ReadAsync(requests, endInput, halt);
            }
            catch (InputEndedException ended)
            {
                return ended.Reason;
            }

            if (request is null)
            {
                break;
            }

            if (request.StreamingRequestCase == StreamingTranslateRequest.StreamingRequestOneofCase.Config)
            {
                throw Invalid("A second config: only the first message of a stream may carry the config.");
            }

            var audio = request.AudioContent;
            if (audio.IsEmpty)
            {
                continue; // an empty message is ignored, and is no audio for the idle clock
            }

            if (AudioValidator.Validate(audio.Span, config.Encoding) is { } problem)
            {
                throw Invalid(problem);
            }

            _restartIdleClock = true;
            await ComputeAsync(session, audio, config, halt.Token);
            if (await EmitAsync(output, config.SingleUtterance, halt.Token))
            {
                return null; // single utterance ended: the server reads no more audio
            }
        }

        session.InputFinished();
        await ComputeAsync(session, null, config, halt.Token);
        await EmitAsync(output, config.SingleUtterance, halt.Token);
        return null;
    }

    /// <summary>
    /// Feeds <paramref name="audio"/> (if any) and runs every model step the input allows, batched with
    /// other streams when Batching:Enabled; the updates land in <see cref="_updates"/>. The compute time
    /// counted is the front end plus the wait for the model (with batching: the queue, the batch's
    /// gathering and the batch's run, i.e. the latency this stream saw).
    /// </summary>
    private async ValueTask ComputeAsync(
        TranslationSession session, Google.Protobuf.ByteString? audio, StreamingTranslateConfig config, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        if (audio is not null)
        {
            Accept(session, audio.Span, config.Encoding);
        }

        _updates.Clear();
        try
        {
            await decoder.DecodeAsync(session, _updates, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ModelFailed(ex);
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        _computeSeconds += seconds;
        metrics.ComputeSeconds.Inc(seconds);
        if (audio is not null)
        {
            var bytesPerSample = config.Encoding == AudioEncoding.Linear16 ? 2 : 4;
            var audioSeconds = (double)audio.Length / bytesPerSample / config.SampleRateHertz;
            _audioSeconds += audioSeconds;
            metrics.AudioSeconds.Inc(audioSeconds);
            metrics.ChunkCompute.Observe(seconds);
        }
    }

    /// <summary>Queues the responses for <see cref="_updates"/>; true when a single utterance ended.</summary>
    private async ValueTask<bool> EmitAsync(ChannelWriter<StreamingTranslateResponse> output, bool singleUtterance, CancellationToken cancellationToken)
    {
        foreach (var update in _updates)
        {
            if (update.SegmentIndex != _segmentIndex)
            {
                (_segmentIndex, _tokensSent) = (update.SegmentIndex, 0);
            }

            await output.WriteAsync(ResponseFactory.Result(update, _tokensSent), cancellationToken);
            var added = update.Tokens.Count - _tokensSent;
            if (added > 0)
            {
                _tokens += added;
                metrics.Tokens.Inc(added);
            }

            _tokensSent = update.Tokens.Count;
            if (!update.IsFinal)
            {
                continue;
            }

            _finalSegments++;
            metrics.SegmentEnded(update.EndReason);
            if (update.EndReason is SegmentEndReason.RunawayTokens or SegmentEndReason.Repetition)
            {
                ServerLog.RunawayStopped(logger, _id, update.SegmentIndex, update.EndReason.ToString(), update.Tokens.Count,
                    update.SegmentEndMs - update.SegmentStartMs);
            }

            await output.WriteAsync(ResponseFactory.Event(SpeechEventType.EndOfSegment), cancellationToken);
            if (singleUtterance)
            {
                await output.WriteAsync(ResponseFactory.Event(SpeechEventType.EndOfSingleUtterance), cancellationToken);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The only task that writes to the response stream. A response the transport has not taken
    /// within ResponseStallTimeout (HTTP/2 flow control: the client stopped reading) ends the call
    /// with RESOURCE_EXHAUSTED; the write itself is left pending for <see cref="DrainAsync"/>.
    /// </summary>
    private async Task WriteAllAsync(
        ChannelReader<StreamingTranslateResponse> input,
        IServerStreamWriter<StreamingTranslateResponse> responses,
        CancellationTokenSource halt,
        CancellationTokenSource abort)
    {
        try
        {
            await foreach (var response in input.ReadAllAsync(halt.Token))
            {
                var write = responses.WriteAsync(response, abort.Token);
                if (!write.IsCompleted)
                {
                    try
                    {
                        await write.WaitAsync(options.ResponseStallTimeout, abort.Token);
                    }
                    catch (TimeoutException)
                    {
                        _stalledWrite = write;
                        throw SlowClient(input.Count + 1);
                    }
                }

                await write; // its exception, if any
            }
        }
        catch (Exception ex)
        {
            await halt.CancelAsync(); // unblocks the reader if it waits on a full channel
            if (ex is OperationCanceledException or RpcException)
            {
                throw;
            }

            throw new ClientGoneException(ex);
        }
    }

    /// <summary>
    /// The next request, or null at half-close. Throws <see cref="InputEndedException"/> when the
    /// idle clock (time spent waiting without audio arriving), the stream's duration or the
    /// shutdown grace period runs out.
    /// </summary>
    private async ValueTask<StreamingTranslateRequest?> ReadAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests, CancellationTokenSource endInput, CancellationTokenSource halt)
    {
        if (_restartIdleClock)
        {
            // Audio arrived: the wait for more starts now, not while the model ran on it.
            _idleSince = Stopwatch.GetTimestamp();
            _restartIdleClock = false;
        }

        var idleLeft = options.IdleTimeout - Stopwatch.GetElapsedTime(_idleSince);
        if (idleLeft <= TimeSpan.Zero)
        {
            throw new InputEndedException(InputEnd.Idle);
        }

        if (_idle is null || _idle.IsCancellationRequested)
        {
            _idle?.Dispose();
            _idle = CancellationTokenSource.CreateLinkedTokenSource(endInput.Token);
        }

        _idle.CancelAfter(idleLeft);
        try
        {
            return await requests.MoveNext(_idle.Token) ? requests.Current : null;
        }
        catch (OperationCanceledException) when (!halt.IsCancellationRequested)
        {
            throw new InputEndedException(
                shutdown.GraceExpired.IsCancellationRequested ? InputEnd.Shutdown
                : endInput.IsCancellationRequested ? InputEnd.Duration
                : InputEnd.Idle);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.ResourceExhausted
            && (ex.StatusCode is StatusCode.Internal or StatusCode.Cancelled || context.CancellationToken.IsCancellationRequested))
        {
            // e.g. "Incomplete message" (INTERNAL): the client reset the stream in the middle of a message.
            // grpc-dotnet can throw it before the call's token is cancelled, so INTERNAL and CANCELLED must not
            // depend on that token (they did, and a chaos run under load ended one abandoned stream with
            // INTERNAL). Other codes (the WebSocket bridge's INVALID_ARGUMENT) are the client's input errors.
            throw new ClientGoneException(ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"A request message was larger than the server's limit of {options.MaxMessageBytes} bytes (Streaming:MaxMessageBytes); " +
                "send the audio in smaller messages, e.g. 100 ms each."));
        }
        catch (Exception ex) when (ex is IOException || (ex is InvalidOperationException && context.CancellationToken.IsCancellationRequested))
        {
            // The client reset the stream or dropped the connection (grpc-dotnet: "Can't read messages after the request is complete").
            throw new ClientGoneException(ex);
        }
        finally
        {
            _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private RpcException EndingStatus(InputEnd reason, long? audioMs)
    {
        var finalized = audioMs is { } ms ? $"the segment was finalized at {ms} ms of audio" : "no config had arrived";
        return reason switch
        {
            InputEnd.Idle => new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"No audio from the client for {options.IdleTimeout.TotalSeconds:0.#} s (Streaming:IdleTimeout); {finalized} and the stream closed.")),
            InputEnd.Duration => new RpcException(new Status(StatusCode.OutOfRange,
                $"The stream reached the server's longest stream duration of {options.MaxStreamDuration.TotalSeconds:0.#} s " +
                $"(Streaming:MaxStreamDuration); {finalized}. Open a new stream to go on.")),
            _ => new RpcException(new Status(StatusCode.Unavailable,
                $"The server is shutting down; {finalized}. Reconnect and send the rest of the audio.")),
        };
    }

    private RpcException SlowClient(int waiting) => new(new Status(StatusCode.ResourceExhausted,
        $"The client did not read its responses for {options.ResponseStallTimeout.TotalSeconds:0.#} s (Streaming:ResponseStallTimeout) " +
        $"with {waiting} waiting; the stream was closed. Read the response stream while sending audio."));

    private TranslationSession CreateSession(StreamingTranslateConfig config)
    {
        try
        {
            return sessions.Create(config.WaitK, config.SampleRateHertz, config.SingleUtterance);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(ex.Message);
        }
    }

    private void Accept(TranslationSession session, ReadOnlySpan<byte> audio, AudioEncoding encoding)
    {
        try
        {
            if (encoding == AudioEncoding.Linear16)
            {
                session.AcceptLinear16(audio);
            }
            else
            {
                session.AcceptFloat32(audio);
            }
        }
        catch (ArgumentException ex)
        {
            throw Invalid(ex.Message);
        }
        catch (Exception ex)
        {
            throw ModelFailed(ex);
        }
    }

    /// <summary>Anything but an RpcException: the transport or a cancellation, else a bug (INTERNAL, logged as an error).</summary>
    private RpcException ToRpcException(Exception error)
    {
        var clientGone = error is ClientGoneException
            || (error is OperationCanceledException or IOException or InvalidOperationException && context.CancellationToken.IsCancellationRequested);
        if (clientGone && context.Deadline <= DateTime.UtcNow)
        {
            ServerLog.StreamFailed(logger, _id, StatusCode.DeadlineExceeded, "the client's deadline passed");
            return new RpcException(new Status(StatusCode.DeadlineExceeded, "The client's deadline passed."));
        }

        if (clientGone)
        {
            ServerLog.StreamCancelled(logger, _id);
            return new RpcException(new Status(StatusCode.Cancelled, "The client cancelled the stream or went away."));
        }

        if (error is OperationCanceledException && shutdown.HardStop.IsCancellationRequested)
        {
            ServerLog.StreamEndedByShutdown(logger, _id);
            return new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down; reconnect and resend."));
        }

        return ModelFailed(error);
    }

    private RpcException ModelFailed(Exception error)
    {
        ServerLog.ModelFailed(logger, _id, error);
        return new RpcException(new Status(StatusCode.Internal,
            $"The server failed on this stream ({error.GetType().Name}); other streams are unaffected. The details are in the server log."));
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private sealed class InputEndedException(InputEnd reason) : Exception(reason.ToString())
    {
        public InputEnd Reason { get; } = reason;
    }

    /// <summary>The transport failed under the writer or reader: the client reset the stream or the connection dropped.</summary>
    private sealed class ClientGoneException(Exception inner) : Exception(inner.Message, inner);
}
