using LeaPformer.Server.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeaPformer.Server.Models;

/// <summary>
/// The readiness behind grpc.health.v1: SERVING once the model is warmed up, NOT_SERVING
/// before that and from the moment shutdown begins (so load balancers stop sending streams).
/// </summary>
internal sealed class ModelHealthCheck(ModelReadiness readiness, ShutdownCoordinator shutdown) : IHealthCheck
{
    public const string Name = "model";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = shutdown.IsStopping ? HealthCheckResult.Unhealthy("The server is shutting down.")
            : readiness.IsReady ? HealthCheckResult.Healthy("The model is loaded and warmed up.")
            : HealthCheckResult.Unhealthy("The model is loading.");
        return Task.FromResult(result);
    }
}
