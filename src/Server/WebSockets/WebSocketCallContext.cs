using Grpc.Core;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// The <see cref="ServerCallContext"/> of a translation that arrived over the WebSocket bridge, so
/// that the gRPC call core (TranslationCall) serves it unchanged: cancelled when the connection
/// goes away, no deadline (browsers set none; the server's own limits apply), the peer's address,
/// and the HttpContext where grpc-dotnet's <c>GetHttpContext()</c> looks for one outside a gRPC call
/// (the call's StreamId in the logs is its TraceIdentifier, as for gRPC calls).
/// </summary>
internal sealed class WebSocketCallContext : ServerCallContext
{
    /// <summary>The key grpc-dotnet's ServerCallContextExtensions.GetHttpContext reads from UserState.</summary>
    private const string HttpContextKey = "__HttpContext";

    private readonly HttpContext _http;
    private readonly Dictionary<object, object> _userState;

    public WebSocketCallContext(HttpContext http)
    {
        _http = http;
        _userState = new Dictionary<object, object> { [HttpContextKey] = http };
    }

    /// <summary>The path the bridge serves; it stands where a gRPC call has its method.</summary>
    public const string Path = "/ws/translate";

    protected override string MethodCore => Path;

    protected override string HostCore => _http.Request.Host.Value ?? "";

    /// <summary>In grpc-dotnet's form: "ipv4:127.0.0.1:50000", "ipv6:[::1]:50000".</summary>
    protected override string PeerCore => _http.Connection.RemoteIpAddress is { } address
        ? address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{_http.Connection.RemotePort}"
            : $"ipv4:{address}:{_http.Connection.RemotePort}"
        : "unknown";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore => _http.RequestAborted;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options)
        => throw new NotSupportedException("A WebSocket call has no gRPC context to propagate.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
