using LeaPformer.Server.Calls;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Hosting;

/// <summary>
/// Graceful shutdown. When the host begins stopping (SIGTERM, Ctrl+C, StopAsync),
/// <see cref="IsStopping"/> turns true at once (new streams get UNAVAILABLE, health says
/// NOT_SERVING); streams in flight go on for Streaming:ShutdownGracePeriod
/// (<see cref="GraceExpired"/>), then have their segment finalized, and
/// <see cref="FinalizeAllowance"/> later anything left is cut (<see cref="HardStop"/>).
/// As a hosted service registered after Kestrel, its StopAsync runs first and holds the host
/// until every stream has ended, so that the model is never disposed under a running stream, and
/// for at least Streaming:ShutdownDrainDelay, so that health probes see NOT_SERVING (and new
/// streams get UNAVAILABLE with a sentence) before the listeners close.
/// </summary>
/// <remarks>
/// A call's own CancellationToken is not cancelled on shutdown; calls watch these tokens instead.
/// </remarks>
internal sealed class ShutdownCoordinator : IHostedService, IDisposable
{
    /// <summary>Time a stream gets after the grace period to finalize its segment and send the result.</summary>
    public static readonly TimeSpan FinalizeAllowance = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _grace = new();
    private readonly CancellationTokenSource _hard = new();
    private readonly CancellationTokenRegistration _registration;
    private readonly StreamLimiter _limiter;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<ShutdownCoordinator> _logger;
    private readonly TimeSpan _gracePeriod;
    private readonly TimeSpan _drainDelay;

    public ShutdownCoordinator(
        IHostApplicationLifetime lifetime,
        IOptions<StreamingOptions> options,
        StreamLimiter limiter,
        ServerMetrics metrics,
        ILogger<ShutdownCoordinator> logger)
    {
        _limiter = limiter;
        _metrics = metrics;
        _logger = logger;
        _gracePeriod = options.Value.ShutdownGracePeriod;
        _drainDelay = options.Value.ShutdownDrainDelay;
        Stopping = lifetime.ApplicationStopping;
        _registration = Stopping.Register(OnStopping);
    }

    /// <summary>Cancelled when the host begins stopping.</summary>
    public CancellationToken Stopping { get; }

    public bool IsStopping => Stopping.IsCancellationRequested;

    /// <summary>Cancelled <see cref="StreamingOptions.ShutdownGracePeriod"/> after stopping began: streams stop reading and finalize.</summary>
    public CancellationToken GraceExpired => _grace.Token;

    /// <summary>Cancelled <see cref="FinalizeAllowance"/> after the grace period: whatever still runs is cut.</summary>
    public CancellationToken HardStop => _hard.Token;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // cancellationToken fires at HostOptions.ShutdownTimeout, set above the drain delay and grace + allowance.
        await Task.WhenAll(DrainDelayAsync(cancellationToken), StreamsEndedAsync(cancellationToken));
        if (_limiter.Active == 0)
        {
            ServerLog.ShutdownDrained(_logger);
        }
        else
        {
            ServerLog.ShutdownNotDrained(_logger, _limiter.Active);
        }
    }

    private async Task DrainDelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_drainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's shutdown timeout
        }
    }

    private async Task StreamsEndedAsync(CancellationToken cancellationToken)
    {
        while (_limiter.Active > 0 && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _grace.Dispose();
        _hard.Dispose();
    }

    private void OnStopping()
    {
        _metrics.ModelReady.Set(0);
        ServerLog.ShutdownStarted(_logger, _limiter.Active, _gracePeriod);
        _grace.CancelAfter(_gracePeriod);
        _hard.CancelAfter(_gracePeriod + FinalizeAllowance);
    }
}
