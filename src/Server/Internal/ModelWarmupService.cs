using System.Diagnostics;
using LeaPformer.Streaming;

namespace LeaPformer.Server.Internal;

/// <summary>
/// Loads the model before the server accepts calls (StartingAsync runs before any hosted
/// service starts, Kestrel included), so a bad bundle fails startup rather than the first call;
/// then runs one second of silence through a session so that the first client does not pay
/// for ONNX Runtime's first-run initialization. Only then does the health service say SERVING.
/// </summary>
internal sealed class ModelWarmupService(
    IServiceProvider services, ModelReadiness readiness, ServerMetrics metrics, ILogger<ModelWarmupService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var model = services.GetRequiredService<LoadedModel>();
        var clock = Stopwatch.StartNew();
        var rate = model.Metadata.SampleRate;
        using (var session = model.Translator.CreateSession(new LeaPformer.Streaming.SessionOptions(model.DefaultWaitK, rate)))
        {
            var updates = new List<SegmentUpdate>();
            session.AcceptWaveform(new float[rate]); // 1 s of silence: a few encoder units and decoder steps
            session.Decode(updates);
            session.InputFinished();
            session.Decode(updates);
        }

        readiness.MarkReady();
        metrics.ModelReady.Set(1);
        ServerLog.ModelWarmedUp(logger, clock.Elapsed.TotalMilliseconds);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
