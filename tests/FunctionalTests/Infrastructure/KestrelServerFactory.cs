using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// The real server in process on real Kestrel sockets, loopback only: for what TestServer
/// cannot show (h2c next to an HTTP/1.1 metrics port, TLS, HTTP/2 flow control).
/// gRPC listens on a dynamic port; the metrics endpoint on <see cref="MetricsPort"/>.
/// </summary>
public sealed class KestrelServerFactory : TranslationServerFactory
{
    public KestrelServerFactory(IReadOnlyDictionary<string, string>? settings = null, Func<HttpMessageHandler>? handler = null)
        : base(WithDefaults(settings, out var metricsPort))
    {
        MetricsPort = metricsPort;
        _handler = handler;
        UseKestrel();
    }

    private readonly Func<HttpMessageHandler>? _handler;

    public int MetricsPort { get; }

    /// <summary>Every address Kestrel bound, with the real ports.</summary>
    public IReadOnlyList<string> Addresses
    {
        get
        {
            StartServer();
            return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        }
    }

    /// <summary>The gRPC address: the one bound address that is not the metrics port.</summary>
    public Uri GrpcAddress => new(Addresses.Single(a => new Uri(a).Port != MetricsPort));

    public override GrpcChannel CreateChannel() => GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions
    {
        HttpHandler = _handler?.Invoke() ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    });

    /// <summary>
    /// A port nobody listens on now, below Linux's ephemeral range (32768-60999): the gRPC
    /// endpoints bind port 0, and an ephemeral port freed here could be handed to one of them
    /// (seen in CI: "address already in use"). Random, so parallel tests rarely pick the same one.
    /// </summary>
    public static int FreePort()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20000, 32000);
            try
            {
                using var socket = new TcpListener(IPAddress.Loopback, port);
                socket.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // in use: try another
            }
        }
    }

    private static Dictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string>? settings, out int metricsPort)
    {
        metricsPort = FreePort();
        var all = new Dictionary<string, string>
        {
            // Named: the factory's "urls" do not reach the server's endpoint set-up.
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Metrics:Url"] = $"http://127.0.0.1:{metricsPort}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return all;
    }
}
