using System.Diagnostics;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Options;

namespace LeaPformer.Server.Calls;

/// <summary>
/// Reads a call's requests under the server's clocks: the idle clock (time spent waiting without
/// audio arriving: Streaming:IdleTimeout), the stream's duration (Streaming:MaxStreamDuration) and
/// the shutdown grace period. When one runs out the input ends, normally: the call still finalizes
/// the segment and sends its final result, then ends with the outcome <see cref="Ending"/> words.
/// </summary>
internal sealed class CallInputReader : IDisposable
{
    private readonly ICallInput _input;
    private readonly StreamingOptions _options;
    private readonly ShutdownCoordinator _shutdown;
    private readonly CancellationTokenSource _halt;
    private readonly CancellationTokenSource _endInput; // the stream's time is up, or the grace period is over
    private CancellationTokenSource? _idle;
    private long _idleSince = Stopwatch.GetTimestamp();
    private bool _restartIdleClock;

    /// <param name="halt">Cancelled when the call fails: a read it interrupts is no end of input.</param>
    public CallInputReader(ICallInput input, StreamingOptions options, ShutdownCoordinator shutdown, CancellationTokenSource halt)
    {
        (_input, _options, _shutdown, _halt) = (input, options, shutdown, halt);
        _endInput = CancellationTokenSource.CreateLinkedTokenSource(halt.Token, shutdown.GraceExpired);
        _endInput.CancelAfter(options.MaxStreamDuration);
    }

    /// <summary>Why the server, not the client, ended the input.</summary>
    public enum InputEnd
    {
        None,
        Idle,
        Duration,
        Shutdown,
    }

    /// <summary>Audio arrived: the wait for more starts at the next read, not while the model runs on it.</summary>
    public void AudioArrived() => _restartIdleClock = true;

    /// <summary>The next request (null at the client's half-close), or why the server ended the input.</summary>
    public async ValueTask<(StreamingTranslateRequest? Request, InputEnd Ended)> ReadAsync()
    {
        if (_restartIdleClock)
        {
            _idleSince = Stopwatch.GetTimestamp();
            _restartIdleClock = false;
        }

        var idleLeft = _options.IdleTimeout - Stopwatch.GetElapsedTime(_idleSince);
        if (idleLeft <= TimeSpan.Zero)
        {
            return (null, InputEnd.Idle);
        }

        if (_idle is null || _idle.IsCancellationRequested)
        {
            _idle?.Dispose();
            _idle = CancellationTokenSource.CreateLinkedTokenSource(_endInput.Token);
        }

        _idle.CancelAfter(idleLeft);
        try
        {
            return (await _input.ReadAsync(_idle.Token), InputEnd.None);
        }
        catch (OperationCanceledException) when (!_halt.IsCancellationRequested)
        {
            return (null, _shutdown.GraceExpired.IsCancellationRequested ? InputEnd.Shutdown
                : _endInput.IsCancellationRequested ? InputEnd.Duration
                : InputEnd.Idle);
        }
        finally
        {
            _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The outcome of a call whose input the server ended; <paramref name="audioMs"/> is null before any config.</summary>
    public CallOutcome Ending(InputEnd reason, long? audioMs)
    {
        var finalized = audioMs is { } ms ? $"the segment was finalized at {ms} ms of audio" : "no config had arrived";
        return reason switch
        {
            InputEnd.Idle => new(CallEnd.IdleTimeout,
                $"No audio from the client for {_options.IdleTimeout.TotalSeconds:0.#} s (Streaming:IdleTimeout); {finalized} and the stream closed."),
            InputEnd.Duration => new(CallEnd.MaxDuration,
                $"The stream reached the server's longest stream duration of {_options.MaxStreamDuration.TotalSeconds:0.#} s " +
                $"(Streaming:MaxStreamDuration); {finalized}. Open a new stream to go on."),
            _ => new(CallEnd.ShuttingDown, $"The server is shutting down; {finalized}. Reconnect and send the rest of the audio."),
        };
    }

    public void Dispose()
    {
        _idle?.Dispose();
        _endInput.Dispose();
    }
}
