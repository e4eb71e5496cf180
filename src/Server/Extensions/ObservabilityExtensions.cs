using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Models;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;
using Prometheus;

namespace LeaPformer.Server.Extensions;

internal static class ObservabilityExtensions
{
    /// <summary>The grpc.health.v1 service name that reports the translator's readiness (as does "").</summary>
    public static readonly string TranslatorServiceName = Translator.Descriptor.FullName;

    /// <summary>grpc.health.v1 (SERVING once the model is warmed up), server reflection, Prometheus metrics.</summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .BindConfiguration(MetricsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(_ =>
        {
            var registry = Prometheus.Metrics.NewCustomRegistry();
            DotNetStats.Register(registry); // process CPU, memory, GC, thread pool
            return registry;
        });
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<CallObservabilityInterceptor>();

        builder.Services.AddGrpcHealthChecks(options =>
            {
                options.Services.Map("", _ => true);
                options.Services.Map(TranslatorServiceName, check => check.Name == ModelHealthCheck.Name);
            })
            .AddCheck<ModelHealthCheck>(ModelHealthCheck.Name);
        builder.Services.AddGrpcReflection();
        return builder;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        var metrics = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (metrics.Enabled)
        {
            var registry = app.Services.GetRequiredService<ServerMetrics>().Registry;
            if (EndpointExtensions.MetricsPort(app.Configuration, metrics) is { } port)
            {
                // Only for connections to the metrics port (the local port, not a Host header):
                // never on the (possibly public) gRPC port.
                app.UseMetricServer(port, settings => settings.Registry = registry, metrics.Path);
            }
            else
            {
                app.MapMetrics(settings => settings.Registry = registry, metrics.Path);
            }
        }

        return app;
    }
}
