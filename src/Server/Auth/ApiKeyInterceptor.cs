using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Services;

namespace LeaPformer.Server.Auth;

/// <summary>
/// With Auth:ApiKeys configured, every Translator call must carry a known key
/// (<c>authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>), else UNAUTHENTICATED; a stream
/// past its key's MaxStreams gets RESOURCE_EXHAUSTED (the rules: <see cref="ApiKeyGate"/>).
/// </summary>
internal sealed class ApiKeyInterceptor(ApiKeyGate gate) : Interceptor
{
    private const string BearerPrefix = "Bearer ";

    private static readonly CompositeFormat HowToSend = CompositeFormat.Parse(
        "The call carried {0}. Send a key of this server as 'authorization: Bearer KEY' or 'x-api-key: KEY' metadata.");

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = gate.BeginScope(key);
        return await continuation(request, context);
    }

    // Client- and server-streaming: the service has none today; checked all the same, so that a
    // method added later cannot bypass the keys.
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = gate.BeginScope(key);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = gate.BeginScope(key);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var key = Authenticate(context);
        using var scope = gate.BeginScope(key);
        if (key is null)
        {
            await continuation(requestStream, responseStream, context);
            return;
        }

        if (!gate.TryAcquire(key, CallObservabilityInterceptor.StreamId(context), out var refusal))
        {
            throw new RpcException(CallStatus.Of(refusal));
        }

        try
        {
            await continuation(requestStream, responseStream, context);
        }
        finally
        {
            key.Release();
        }
    }

    /// <summary>The caller's key; null when no keys are configured (every call is served).</summary>
    private ApiKeyRegistry.ApiKey? Authenticate(ServerCallContext context)
    {
        if (!gate.Enabled)
        {
            return null;
        }

        return gate.Authenticate(PresentedKey(context.RequestHeaders), CallObservabilityInterceptor.StreamId(context), context.Method,
            HowToSend, out var refusal) ?? throw new RpcException(CallStatus.Of(refusal));
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
