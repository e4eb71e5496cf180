namespace LeaPformer.Server.Internal;

/// <summary>
/// Loads the model before the server accepts calls (StartingAsync runs before any hosted
/// service starts, Kestrel included), so a bad bundle fails startup rather than the first call.
/// </summary>
internal sealed class ModelWarmupService(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<LoadedModel>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
