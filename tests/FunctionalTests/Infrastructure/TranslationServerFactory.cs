using Grpc.Health.V1;
using Grpc.Net.Client;
using LeaPformer.Client.Translation;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// The real server (Program) in process over TestServer, serving the real model bundle.
/// Settings override configuration keys (e.g. "Streaming:MaxConcurrentStreams").
/// </summary>
public class TranslationServerFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public TranslationServerFactory(IReadOnlyDictionary<string, string>? settings = null, string? bundlePath = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        BundlePath = bundlePath ?? BundleLocator.Find();
    }

    public string BundlePath { get; }

    /// <summary>The settings that change a stream's output (endpointing, the runaway guard), as a key for cached outputs.</summary>
    public string OutputSettings => string.Join(';', _settings
        .Where(s => s.Key.StartsWith("Endpointing:", StringComparison.OrdinalIgnoreCase) || s.Key.StartsWith("Runaway:", StringComparison.OrdinalIgnoreCase))
        .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
        .Select(s => $"{s.Key}={s.Value}"));

    /// <summary>The host: <c>Host.StopAsync()</c> is what SIGTERM does (DisposeAsync would close the TestServer first).</summary>
    public IHost Host { get; private set; } = null!;

    public LogCapture Logs { get; } = new();

    /// <summary>The server's stream counter: tests wait on it instead of sleeping.</summary>
    internal StreamLimiter Limiter => Services.GetRequiredService<StreamLimiter>();

    /// <summary>The server's metrics, and its count of live model sessions.</summary>
    internal ServerMetrics Metrics => Services.GetRequiredService<ServerMetrics>();

    /// <summary>No stream holds a slot and no model session is alive.</summary>
    internal bool IsDrained => Limiter.Active == 0 && Metrics.ActiveSessions == 0;

    internal LoadedModel Model => Services.GetRequiredService<LoadedModel>();

    public virtual GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(),
    });

    public StreamingTranslationClient CreateClient(GrpcChannel channel) => new(channel);

    /// <summary>grpc.health.v1 Check for <paramref name="service"/> ("" = the whole server).</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(GrpcChannel channel, string service = "")
    {
        var response = await new Health.HealthClient(channel)
            .CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + TestTimeouts.Short)
            .ResponseAsync.WaitAsync(TestTimeouts.Short);
        return response.Status;
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        Host = base.CreateHost(builder);
        return Host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Model:Path", BundlePath);
        builder.UseSetting("Metrics:Url", ""); // TestServer has no ports: /metrics on the one endpoint
        builder.UseSetting("Web:Url", ""); // and the web demo too
        builder.UseSetting("Streaming:ShutdownDrainDelay", "00:00:00"); // no balancer to tell: tests stop at once (ShutdownTests sets one)
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }
}
