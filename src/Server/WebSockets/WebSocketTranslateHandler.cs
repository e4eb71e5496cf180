using System.Net.WebSockets;
using System.Text;
using Grpc.Core;
using LeaPformer.Server.Auth;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Options;
using LeaPformer.Server.Services;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// <c>/ws/translate</c>: a StreamingTranslate call over a WebSocket, for browsers, which cannot
/// make bidirectional gRPC calls. The messages become the call's request stream
/// (<see cref="WebSocketRequestReader"/>) and its responses JSON text messages
/// (<see cref="WebSocketResponseWriter"/>), and the very same call core as gRPC's serves it, with
/// the same stream limit, shutdown, limits and metrics. The call's outcome ends the connection:
/// a completed call closes it normally; any other outcome is sent as an error message with its
/// gRPC status name first (docs/web-demo.md).
/// </summary>
internal sealed class WebSocketTranslateHandler(
    TranslationCallFactory calls,
    ServerMetrics metrics,
    ApiKeyGate keys,
    IOptions<StreamingOptions> streaming,
    IOptions<WebOptions> web,
    ILogger<WebSocketTranslateHandler> logger)
{
    /// <summary>The path the bridge serves; it stands where a gRPC call has its method.</summary>
    public const string Path = "/ws/translate";

    /// <summary>The method label of these calls in leapformer_rpcs_total and leapformer_rpc_errors_total.</summary>
    public const string MetricsMethod = "WebSocketTranslate";

    private static readonly CompositeFormat HowToSend = CompositeFormat.Parse(
        "The stream carried {0}. This server requires one: send it as \"apiKey\" next to \"config\" in the first message.");

    /// <summary>How long the client gets to answer the server's close frame.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync(
                $"{Path} takes WebSocket connections only (docs/web-demo.md); the demo page is at /.", http.RequestAborted);
            return;
        }

        if (!OriginAllowed(http, out var origin))
        {
            WebSocketLog.OriginRefused(logger, http.TraceIdentifier, origin);
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync(
                $"Pages from {origin} may not use this server; add the origin to Web:AllowedOrigins to allow them.", http.RequestAborted);
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(
            new WebSocketAcceptContext { KeepAliveInterval = web.Value.KeepAliveInterval });
        // no deadline: browsers set none; the server's own limits apply
        var transport = new CallTransport(http.TraceIdentifier, http.RequestAborted, DateTime.MaxValue);
        var id = transport.StreamId;
        using var scope = logger.BeginScope(new Dictionary<string, object> { [CallObservabilityInterceptor.StreamIdProperty] = id });
        var requests = new WebSocketRequestReader(socket, streaming.Value.MaxMessageBytes);
        var responses = new WebSocketResponseWriter(socket);
        requests.Start(http.RequestAborted);

        var status = CallStatus.Of(await ServeAsync(requests, responses, transport));
        metrics.CallEnded(MetricsMethod, status.StatusCode);
        requests.StopDelivering();
        await CloseAsync(socket, requests, responses, status, id, http.RequestAborted);
    }

    /// <summary>Authenticates (when the server has keys), then runs the call exactly as TranslatorService does.</summary>
    private async Task<CallOutcome> ServeAsync(WebSocketRequestReader requests, WebSocketResponseWriter responses, CallTransport transport)
    {
        if (!keys.Enabled)
        {
            return await calls.Create(logger, transport).RunAsync(requests, responses);
        }

        var (key, refusal) = await AuthenticateAsync(requests, transport);
        using var keyScope = keys.BeginScope(key);
        if (key is null || !keys.TryAcquire(key, transport.StreamId, out refusal))
        {
            return refusal;
        }

        try
        {
            return await calls.Create(logger, transport).RunAsync(requests, responses);
        }
        finally
        {
            key.Release();
        }
    }

    /// <summary>
    /// A browser cannot set headers on a WebSocket, so the key comes in the first message
    /// (<c>"apiKey"</c> next to the config), not in the URL, where proxies and logs would keep it.
    /// The first message is awaited for at most Streaming:IdleTimeout.
    /// </summary>
    private async Task<(ApiKeyRegistry.ApiKey? Key, CallOutcome Refusal)> AuthenticateAsync(WebSocketRequestReader requests, CallTransport transport)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(transport.Aborted);
        wait.CancelAfter(streaming.Value.IdleTimeout);
        try
        {
            await requests.PeekFirstAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!transport.Aborted.IsCancellationRequested)
        {
            return (null, new(CallEnd.IdleTimeout,
                $"No config from the client for {streaming.Value.IdleTimeout.TotalSeconds:0.#} s (Streaming:IdleTimeout); the stream closed."));
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is CallEndedException { Outcome.End: CallEnd.ClientGone })
        {
            ServerLog.StreamCancelled(logger, transport.StreamId);
            return (null, new(CallEnd.ClientGone, "The client went away."));
        }
        catch (CallEndedException ex)
        {
            return (null, ex.Outcome); // a first message the bridge cannot read
        }

        var key = keys.Authenticate(requests.ApiKey, transport.StreamId, Path, HowToSend, out var refusal);
        return (key, refusal);
    }

    /// <summary>
    /// Ends the connection with the call's status: a normal closure for OK, else the error message
    /// and a close status that says what kind of error it was (<see cref="WebSocketStatus.CloseStatus"/>).
    /// Nothing is sent to a client that went away.
    /// </summary>
    private async Task CloseAsync(
        WebSocket socket, WebSocketRequestReader requests, WebSocketResponseWriter responses, Status status, string id, CancellationToken aborted)
    {
        if (status.StatusCode == StatusCode.Cancelled || aborted.IsCancellationRequested
            || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(CloseHandshakeTimeout);
        try
        {
            if (status.StatusCode != StatusCode.OK)
            {
                await responses.WriteErrorAsync(status, timeout.Token);
            }

            // The description is short (at most 123 bytes); the sentence is in the error message.
            var description = status.StatusCode == StatusCode.OK ? "" : WebSocketStatus.CodeName(status.StatusCode);
            await socket.CloseOutputAsync(WebSocketStatus.CloseStatus(status.StatusCode), description, timeout.Token);
            await requests.Completion.WaitAsync(timeout.Token); // the client's close frame
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            WebSocketLog.CloseNotCompleted(logger, id, ex.Message);
        }
    }

    /// <summary>
    /// True for clients that send no Origin (not browsers), pages of this server (the Origin's host
    /// and port are the request's Host; the scheme is not compared, so a TLS-terminating proxy
    /// needs no setting) and Web:AllowedOrigins.
    /// </summary>
    private bool OriginAllowed(HttpContext http, out string origin)
    {
        origin = http.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        return (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            || web.Value.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }
}
