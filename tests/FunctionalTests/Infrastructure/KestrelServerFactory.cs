using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// The real server in process on real Kestrel sockets, loopback only: for what TestServer
/// cannot show (h2c next to HTTP/1.1 metrics and web ports, TLS, HTTP/2 flow control, WebSockets, a browser).
/// gRPC listens on a dynamic port; the metrics endpoint on <see cref="MetricsPort"/>, the web demo on <see cref="WebPort"/>.
/// </summary>
public class KestrelServerFactory : TranslationServerFactory
{
    public KestrelServerFactory(IReadOnlyDictionary<string, string>? settings = null, Func<HttpMessageHandler>? handler = null)
        : base(WithDefaults(settings, out var metricsPort, out var webPort))
    {
        MetricsPort = metricsPort;
        WebPort = webPort;
        _handler = handler;
        UseKestrel();
    }

    private readonly Func<HttpMessageHandler>? _handler;

    public int MetricsPort { get; }

    public int WebPort { get; }

    /// <summary>The web demo's base address (HTTP/1.1): the page, /api/model-info, ws://.../ws/translate.</summary>
    public Uri WebAddress
    {
        get
        {
            StartServer();
            return new($"http://127.0.0.1:{WebPort}/");
        }
    }

    /// <summary>Every address Kestrel bound, with the real ports.</summary>
    public IReadOnlyList<string> Addresses
    {
        get
        {
            StartServer();
            return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        }
    }

    /// <summary>The gRPC address: the one bound address that is neither the metrics nor the web port.</summary>
    public Uri GrpcAddress => new(Addresses.Single(a => new Uri(a).Port != MetricsPort && new Uri(a).Port != WebPort));

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

    private static Dictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string>? settings, out int metricsPort, out int webPort)
    {
        metricsPort = FreePort();
        do
        {
            webPort = FreePort();
        }
        while (webPort == metricsPort);
        var all = new Dictionary<string, string>
        {
            // Named: the factory's "urls" do not reach the server's endpoint set-up.
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Metrics:Url"] = $"http://127.0.0.1:{metricsPort}",
            ["Web:Url"] = $"http://127.0.0.1:{webPort}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return all;
    }
}
