using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Google.Protobuf;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Options;
using LeaPformer.Server.Services;
using LeaPformer.Streaming;
using InputEnd = LeaPformer.Server.Calls.CallInputReader.InputEnd;

namespace LeaPformer.Server.Calls;

/// <summary>
/// One StreamingTranslate call, whatever carries it (gRPC, or the WebSocket bridge): the stream
/// limit, the config, the audio loop with its idle clock, the model steps and the responses, and
/// how the call ended (<see cref="CallOutcome"/>); the transports map that to a status or a close code.
/// </summary>
/// <remarks>
/// The client half-closes: Completed, after the final result. The server ends the input when no audio
/// came for IdleTimeout, at MaxStreamDuration or when the shutdown grace period is over, after
/// finalizing the segment and sending its final result. Bad input: InvalidInput, no final result.
/// With endpointing every pause ends a segment mid-stream (its final result, then END_OF_SEGMENT);
/// a single_utterance stream ends after its first segment (END_OF_SINGLE_UTTERANCE, then Completed;
/// the rest of the client's audio is not read). docs/streaming-api.md has the statuses.
/// </remarks>
internal sealed class TranslationCall(
    CallServices services, StreamingOptions options, ILogger logger, CallTransport transport)
{
    private readonly string _id = transport.StreamId;
    private readonly List<SegmentUpdate> _updates = [];
    private readonly CallMeter _meter = new(services.Metrics);
    private CallResponseWriter? _responses; // from the config on

    public async Task<CallOutcome> RunAsync(ICallInput input, ICallOutput output)
    {
        if (services.Shutdown.IsStopping)
        {
            ServerLog.StreamRefusedWhileStopping(logger, _id);
            return new(CallEnd.ShuttingDown, "The server is shutting down and takes no new streams; retry shortly (another replica will serve you).");
        }

        if (!services.Limiter.TryAcquire())
        {
            ServerLog.StreamLimitReached(logger, _id, services.Limiter.Active, services.Limiter.Limit);
            return new(CallEnd.ServerBusy, $"The server is already serving its limit of {services.Limiter.Limit} streams; retry later.");
        }

        services.Metrics.ActiveStreams.Inc();
        // abort cuts everything, the response writes included: the client went away, or shutdown's last moment.
        // halt stops the reader and the model (any error, a client that stopped reading), not a write in progress.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(transport.Aborted, services.Shutdown.HardStop);
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
        CallOutcome outcome;
        try
        {
            outcome = await ServeAsync(input, output, halt, abort);
            LogEnding(outcome);
        }
        catch (CallEndedException ex) when (ex.Outcome.End != CallEnd.ClientGone)
        {
            outcome = ex.Outcome;
            LogEnding(outcome);
        }
        catch (Exception ex)
        {
            outcome = Classify(ex);
        }
        finally
        {
            // The model session is already disposed (ServeAsync); the slot is free from here on.
            services.Metrics.ActiveStreams.Dec();
            services.Limiter.Release();
        }

        if (_responses is { } responses)
        {
            await responses.DrainAsync();
        }

        return outcome;
    }

    private async Task<CallOutcome> ServeAsync(ICallInput input, ICallOutput output, CancellationTokenSource halt, CancellationTokenSource abort)
    {
        using var reader = new CallInputReader(input, options, services.Shutdown, halt);
        var (first, ended) = await reader.ReadAsync();
        if (ended != InputEnd.None)
        {
            return reader.Ending(ended, audioMs: null); // no config yet: nothing to finalize
        }

        if (first is null)
        {
            throw Invalid("The stream ended before its config: the first message must carry the config.");
        }

        if (ConfigValidator.ValidateFirst(first, services.Model.Metadata) is { } problem)
        {
            throw Invalid(problem);
        }

        var config = first.Config;

        using var session = CreateSession(config);
        services.Metrics.SessionOpened();
        try
        {
            ServerLog.StreamStarted(logger, _id, config.Encoding, config.SampleRateHertz, session.WaitK, config.SingleUtterance);
            var responses = _responses = new CallResponseWriter(output, options.ResponseBufferSize, options.ResponseStallTimeout, halt, abort);
            var segments = new SegmentResponses(responses, _meter, config.SingleUtterance, logger, _id);
            var outcome = await TranslateAsync(reader, responses, segments, config, session, halt);
            ServerLog.StreamEnded(logger, _id, session.AudioMsAccepted, _meter.Tokens, _meter.FinalSegments, _meter.RealTimeFactor);
            return outcome;
        }
        finally
        {
            services.Metrics.SessionClosed();
            _meter.Close();
        }
    }

    /// <summary>The reader loop against the writer task; the server's ending of the input is still a normal end.</summary>
    private async Task<CallOutcome> TranslateAsync(
        CallInputReader reader, CallResponseWriter responses, SegmentResponses segments, StreamingTranslateConfig config,
        TranslationSession session, CancellationTokenSource halt)
    {
        var outcome = CallOutcome.Completed;
        try
        {
            var ended = await PumpAsync(reader, segments, config, session, halt.Token);
            if (ended != InputEnd.None)
            {
                // The server ended the input: the client still gets the segment's final result.
                ServerLog.InputEndedByServer(logger, _id, ended.ToString());
                outcome = reader.Ending(ended, session.AudioMsAccepted);
                await FinishAsync(segments, config, session, halt.Token);
            }

            await responses.CompleteAsync();
        }
        catch (Exception readError)
        {
            ExceptionDispatchInfo.Throw(await responses.StopAsync(readError));
        }

        return outcome;
    }

    /// <summary>Audio in, model steps, results out. Returns None at the client's half-close or a single utterance's end.</summary>
    private async Task<InputEnd> PumpAsync(
        CallInputReader reader, SegmentResponses segments, StreamingTranslateConfig config, TranslationSession session, CancellationToken halt)
    {
        while (true)
        {
            var (request, ended) = await reader.ReadAsync();
            if (ended != InputEnd.None)
            {
                return ended;
            }

            if (request is null)
            {
                await FinishAsync(segments, config, session, halt);
                return InputEnd.None;
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

            reader.AudioArrived();
            await ComputeAsync(session, audio, config, halt);
            if (await segments.EmitAsync(_updates, halt))
            {
                return InputEnd.None; // single utterance ended: the server reads no more audio
            }
        }
    }

    private async ValueTask FinishAsync(SegmentResponses segments, StreamingTranslateConfig config, TranslationSession session, CancellationToken cancellationToken)
    {
        session.InputFinished();
        await ComputeAsync(session, null, config, cancellationToken);
        await segments.EmitAsync(_updates, cancellationToken);
    }

    /// <summary>
    /// Feeds <paramref name="audio"/> (if any) and runs every model step the input allows (batched with
    /// other streams when Batching:Enabled); the updates land in <see cref="_updates"/>.
    /// </summary>
    private async ValueTask ComputeAsync(TranslationSession session, ByteString? audio, StreamingTranslateConfig config, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        _updates.Clear();
        try
        {
            if (audio is not null)
            {
                Accept(session, audio.Span, config.Encoding);
            }

            await services.Decoder.DecodeAsync(session, _updates, cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or CallEndedException))
        {
            throw ModelFailed(ex);
        }

        _meter.Computed(Stopwatch.GetElapsedTime(start).TotalSeconds, audio, config);
    }

    private TranslationSession CreateSession(StreamingTranslateConfig config)
    {
        try
        {
            return services.Sessions.Create(config.WaitK, config.SampleRateHertz, config.SingleUtterance);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(ex.Message);
        }
    }

    private static void Accept(TranslationSession session, ReadOnlySpan<byte> audio, AudioEncoding encoding)
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
    }

    /// <summary>An exception that is no <see cref="CallEndedException"/> of the call's own: a cancellation or the transport, else a bug.</summary>
    private CallOutcome Classify(Exception error)
    {
        var clientGone = error is CallEndedException { Outcome.End: CallEnd.ClientGone }
            || (error is OperationCanceledException or IOException or InvalidOperationException && transport.Aborted.IsCancellationRequested);
        if (clientGone && transport.Deadline <= DateTime.UtcNow)
        {
            var outcome = new CallOutcome(CallEnd.ClientDeadline, "The client's deadline passed.");
            ServerLog.StreamFailed(logger, _id, CallStatus.Code(outcome.End), "the client's deadline passed");
            return outcome;
        }

        if (clientGone)
        {
            ServerLog.StreamCancelled(logger, _id);
            return CallOutcome.ClientGone();
        }

        if (error is OperationCanceledException && services.Shutdown.HardStop.IsCancellationRequested)
        {
            ServerLog.StreamEndedByShutdown(logger, _id);
            return new(CallEnd.ShuttingDown, "The server is shutting down; reconnect and resend.");
        }

        return ModelFailed(error).Outcome;
    }

    private void LogEnding(CallOutcome outcome)
    {
        if (outcome.End is not (CallEnd.Completed or CallEnd.Failed))
        {
            ServerLog.StreamFailed(logger, _id, CallStatus.Code(outcome.End), outcome.Message);
        }
    }

    private CallEndedException ModelFailed(Exception error)
    {
        ServerLog.ModelFailed(logger, _id, error);
        return new(new(CallEnd.Failed,
            $"The server failed on this stream ({error.GetType().Name}); other streams are unaffected. The details are in the server log."), error);
    }

    private static CallEndedException Invalid(string message) => new(CallOutcome.Invalid(message));
}
