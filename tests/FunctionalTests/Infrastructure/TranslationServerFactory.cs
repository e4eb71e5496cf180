using Grpc.Net.Client;
using LeaPformer.Client.Streaming;
using LeaPformer.Server.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
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

    public LogCapture Logs { get; } = new();

    /// <summary>The server's stream counter: tests wait on it instead of sleeping.</summary>
    internal StreamLimiter Limiter => Services.GetRequiredService<StreamLimiter>();

    internal LoadedModel Model => Services.GetRequiredService<LoadedModel>();

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(),
    });

    public StreamingTranslationClient CreateClient(GrpcChannel channel) => new(channel);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Model:Path", BundlePath);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }
}
