using System.Diagnostics;
using LeaPformer.Server.Hosting;
using LeaPformer.Streaming;

namespace LeaPformer.Server.Models;

/// <summary>
/// Loads the model before the server accepts calls (StartingAsync runs before any hosted
/// service starts, Kestrel included), so a bad bundle fails startup rather than the first call;
/// then runs one second of silence through a session so that the first client does not pay
/// for ONNX Runtime's first-run initialization (nor, with batching, for the batch buffers).
/// Only then does the health service say SERVING.
/// </summary>
internal sealed class ModelWarmupService(
    IServiceProvider services, ModelReadiness readiness, ServerMetrics metrics, ILogger<ModelWarmupService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var model = services.GetRequiredService<LoadedModel>();
        var sessions = services.GetRequiredService<SessionFactory>();
        var decoder = services.GetRequiredService<SessionDecoder>();
        var clock = Stopwatch.StartNew();
        using (var session = sessions.CreateForWarmup())
        {
            var updates = new List<SegmentUpdate>();
            session.AcceptWaveform(new float[model.Metadata.SampleRate]); // 1 s of silence: a few encoder units and decoder steps
            await decoder.DecodeAsync(session, updates, cancellationToken);
            session.InputFinished();
            await decoder.DecodeAsync(session, updates, cancellationToken);
        }

        readiness.MarkReady();
        metrics.ModelReady.Set(1);
        ServerLog.ModelWarmedUp(logger, clock.Elapsed.TotalMilliseconds);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
