using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace LeaPformer.Server.Internal;

/// <summary>
/// With Auth:ApiKeys configured, every Translator call must carry a known key
/// (<c>authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>), else UNAUTHENTICATED; a stream
/// past its key's MaxStreams gets RESOURCE_EXHAUSTED. Log lines of the call name the key's
/// owner (ApiKey), never the key.
/// </summary>
internal sealed class ApiKeyInterceptor(ApiKeyRegistry keys, ILogger<ApiKeyInterceptor> logger) : Interceptor
{
    public const string ApiKeyProperty = "ApiKey";

    private const string BearerPrefix = "Bearer ";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = BeginKeyScope(logger, key);
        return await continuation(request, context);
    }

    // Client- and server-streaming: the service has none today; checked all the same, so that a
    // method added later cannot bypass the keys.
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = BeginKeyScope(logger, key);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = BeginKeyScope(logger, key);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = BeginKeyScope(logger, key);
        if (key is null)
        {
            await continuation(requestStream, responseStream, context);
            return;
        }

        await RunWithinKeyLimitAsync(key, logger, CallObservabilityInterceptor.StreamId(context),
            () => continuation(requestStream, responseStream, context));
    }

    /// <summary>
    /// Runs a stream holding one of its key's MaxStreams slots (released when it ends); past the
    /// limit, RESOURCE_EXHAUSTED, logged. The gRPC calls and the WebSocket bridge both go through here.
    /// </summary>
    internal static async Task RunWithinKeyLimitAsync(ApiKeyRegistry.ApiKey key, ILogger logger, string streamId, Func<Task> stream)
    {
        if (!key.TryAcquire())
        {
            ServerLog.KeyStreamLimitReached(logger, streamId, key.Name, key.MaxStreams);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"This API key ('{key.Name}') already holds its limit of {key.MaxStreams} streams; end one or retry later."));
        }

        try
        {
            await stream();
        }
        finally
        {
            key.Release();
        }
    }

    /// <summary>A log scope naming the key's owner (<see cref="ApiKeyProperty"/>), never the key; null without a key.</summary>
    internal static IDisposable? BeginKeyScope(ILogger logger, ApiKeyRegistry.ApiKey? key)
        => key is null ? null : logger.BeginScope(new Dictionary<string, object> { [ApiKeyProperty] = key.Name });

    /// <summary>The caller's key; null when no keys are configured (every call is served).</summary>
    private ApiKeyRegistry.ApiKey? Authenticate(ServerCallContext context)
    {
        if (!keys.Enabled)
        {
            return null;
        }

        return FindOrRefuse(keys, PresentedKey(context.RequestHeaders), logger, CallObservabilityInterceptor.StreamId(context), context.Method,
            "The call carried {0}. Send a key of this server as 'authorization: Bearer KEY' or 'x-api-key: KEY' metadata.");
    }

    /// <summary>
    /// The presented key's entry; for no key or an unknown one, logs it and throws UNAUTHENTICATED with
    /// <paramref name="message"/> ({0} = "no API key" or "an unknown API key"). gRPC calls and the WebSocket bridge both use it.
    /// </summary>
    internal static ApiKeyRegistry.ApiKey FindOrRefuse(
        ApiKeyRegistry keys, string? presented, ILogger logger, string streamId, string method, [StringSyntax(StringSyntaxAttribute.CompositeFormat)] string message)
    {
        if (!string.IsNullOrEmpty(presented) && keys.Find(presented) is { } key)
        {
            return key;
        }

        var reason = string.IsNullOrEmpty(presented) ? "no API key" : "an unknown API key";
        ServerLog.Unauthenticated(logger, streamId, method, reason);
        throw new RpcException(new Status(StatusCode.Unauthenticated, string.Format(CultureInfo.InvariantCulture, message, reason)));
    }

    /// <summary>The key from "authorization: Bearer KEY", else from "x-api-key"; null when neither is there.</summary>
    private static string? PresentedKey(Metadata headers)
    {
        var authorization = headers.GetValue("authorization");
        if (authorization is not null && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var bearer = authorization[BearerPrefix.Length..].Trim();
            if (bearer.Length > 0)
            {
                return bearer;
            }
        }

        var apiKey = headers.GetValue("x-api-key")?.Trim();
        return string.IsNullOrEmpty(apiKey) ? null : apiKey;
    }
}
