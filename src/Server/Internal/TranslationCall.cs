using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Options;
using LeaPformer.Streaming;

namespace LeaPformer.Server.Internal;

/// <summary>
/// One StreamingTranslate call: this class's loop reads the requests and runs the model;
/// exactly one writer task owns the response stream and is fed through a bounded channel,
/// so a slow reader on the client side slows the server's reading of its audio, nothing else.
/// </summary>
internal sealed class TranslationCall(
    LoadedModel model,
    StreamLimiter limiter,
    StreamingOptions options,
    ILogger logger,
    ServerCallContext context,
    CancellationToken serverStopping)
{
    private readonly string _id = context.GetHttpContext().TraceIdentifier;
    private readonly List<SegmentUpdate> _updates = [];
    private int _finalSegments;
    private int _segmentIndex;
    private int _tokensSent; // tokens of segment _segmentIndex already on the wire

    public async Task RunAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests, IServerStreamWriter<StreamingTranslateResponse> responses)
    {
        if (!limiter.TryAcquire())
        {
            ServerLog.StreamLimitReached(logger, _id, limiter.Active, limiter.Limit);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"The server is already serving its limit of {limiter.Limit} streams; retry later."));
        }

        try
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, serverStopping);
            await ServeAsync(requests, responses, call);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.DeadlineExceeded)
        {
            ServerLog.StreamRejected(logger, _id, ex.StatusCode, ex.Status.Detail);
            throw;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw ToRpcException(ex);
        }
        finally
        {
            limiter.Release();
        }
    }

    private async Task ServeAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests,
        IServerStreamWriter<StreamingTranslateResponse> responses,
        CancellationTokenSource call)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(call.Token);
        var first = await ReadAsync(requests, idle, call);
        if (first is null)
        {
            return; // half-closed before any config: nothing to translate
        }

        if (first.StreamingRequestCase != StreamingTranslateRequest.StreamingRequestOneofCase.Config)
        {
            throw Invalid("Audio before config: the first message must carry the config.");
        }

        var config = first.Config;
        if (ConfigValidator.Validate(config, model.Metadata) is { } problem)
        {
            throw Invalid(problem);
        }

        using var session = CreateSession(config);
        ServerLog.StreamStarted(logger, _id, config.Encoding, config.SampleRateHertz, session.WaitK, config.SingleUtterance);

        var channel = Channel.CreateBounded<StreamingTranslateResponse>(
            new BoundedChannelOptions(options.ResponseBufferSize) { SingleReader = true, SingleWriter = true });
        var writer = WriteAllAsync(channel.Reader, responses, call);
        try
        {
            await TranslateAsync(requests, config, session, channel.Writer, idle, call);
            channel.Writer.Complete();
            await writer;
        }
        catch (Exception readError)
        {
            channel.Writer.TryComplete();
            await call.CancelAsync();
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

        ServerLog.StreamEnded(logger, _id, session.AudioMsAccepted, _finalSegments);
    }

    /// <summary>The reader loop: audio in, model steps, results out through the channel.</summary>
    private async Task TranslateAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests,
        StreamingTranslateConfig config,
        TranslationSession session,
        ChannelWriter<StreamingTranslateResponse> output,
        CancellationTokenSource idle,
        CancellationTokenSource call)
    {
        while (await ReadAsync(requests, idle, call) is { } request)
        {
            if (request.StreamingRequestCase == StreamingTranslateRequest.StreamingRequestOneofCase.Config)
            {
                throw Invalid("A second config: only the first message of a stream may carry the config.");
            }

            var audio = request.AudioContent.Span;
            if (audio.IsEmpty)
            {
                continue;
            }

            if (AudioValidator.Validate(audio, config.Encoding) is { } problem)
            {
                throw Invalid(problem);
            }

            Accept(session, audio, config.Encoding);
            if (await DecodeAsync(session, output, config.SingleUtterance, call.Token))
            {
                return; // single utterance ended: the server reads no more audio
            }
        }

        session.InputFinished();
        await DecodeAsync(session, output, config.SingleUtterance, call.Token);
    }

    /// <summary>Runs every model step the input allows; true when a single utterance ended.</summary>
    private async ValueTask<bool> DecodeAsync(
        TranslationSession session, ChannelWriter<StreamingTranslateResponse> output, bool singleUtterance, CancellationToken cancellationToken)
    {
        _updates.Clear();
        try
        {
            session.Decode(_updates);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ModelFailed(ex);
        }

        foreach (var update in _updates)
        {
            if (update.SegmentIndex != _segmentIndex)
            {
                (_segmentIndex, _tokensSent) = (update.SegmentIndex, 0);
            }

            await output.WriteAsync(ResponseFactory.Result(update, _tokensSent), cancellationToken);
            _tokensSent = update.Tokens.Count;
            if (!update.IsFinal)
            {
                continue;
            }

            _finalSegments++;
            await output.WriteAsync(ResponseFactory.Event(SpeechEventType.EndOfSegment), cancellationToken);
            if (singleUtterance)
            {
                await output.WriteAsync(ResponseFactory.Event(SpeechEventType.EndOfSingleUtterance), cancellationToken);
                return true;
            }
        }

        return false;
    }

    /// <summary>The only task that writes to the response stream.</summary>
    private static async Task WriteAllAsync(
        ChannelReader<StreamingTranslateResponse> input, IServerStreamWriter<StreamingTranslateResponse> responses, CancellationTokenSource call)
    {
        try
        {
            await foreach (var response in input.ReadAllAsync(call.Token))
            {
                await responses.WriteAsync(response, call.Token);
            }
        }
        catch
        {
            await call.CancelAsync(); // unblocks the reader if it waits on a full channel
            throw;
        }
    }

    /// <summary>The next request, or null at half-close; DEADLINE_EXCEEDED after IdleTimeout of silence.</summary>
    private async ValueTask<StreamingTranslateRequest?> ReadAsync(
        IAsyncStreamReader<StreamingTranslateRequest> requests, CancellationTokenSource idle, CancellationTokenSource call)
    {
        idle.CancelAfter(options.IdleTimeout); // restarts the idle clock
        try
        {
            return await requests.MoveNext(idle.Token) ? requests.Current : null;
        }
        catch (OperationCanceledException) when (!call.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"No message from the client for {options.IdleTimeout.TotalSeconds:0.#} s; the stream was closed."));
        }
    }

    private TranslationSession CreateSession(StreamingTranslateConfig config)
    {
        var waitK = config.WaitK == 0 ? model.DefaultWaitK : config.WaitK;
        try
        {
            return model.Translator.CreateSession(new LeaPformer.Streaming.SessionOptions(waitK, config.SampleRateHertz));
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

    private RpcException ToRpcException(Exception error)
    {
        switch (error)
        {
            case OperationCanceledException or IOException when context.CancellationToken.IsCancellationRequested:
                ServerLog.StreamCancelled(logger, _id);
                return new RpcException(new Status(StatusCode.Cancelled, "The client cancelled the stream."));
            case OperationCanceledException when serverStopping.IsCancellationRequested:
                ServerLog.StreamEndedByShutdown(logger, _id);
                return new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down; reconnect and resend."));
            default:
                return ModelFailed(error);
        }
    }

    private RpcException ModelFailed(Exception error)
    {
        ServerLog.ModelFailed(logger, _id, error);
        return new RpcException(new Status(StatusCode.Internal,
            $"The server failed on this stream ({error.GetType().Name}); other streams are unaffected. The details are in the server log."));
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
