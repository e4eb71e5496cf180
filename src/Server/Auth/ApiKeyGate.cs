using System.Text;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Hosting;

namespace LeaPformer.Server.Auth;

/// <summary>
/// The API key rules, for both transports (ApiKeyInterceptor for gRPC, the WebSocket bridge): a
/// call must present a known key, and may hold one of its key's MaxStreams slots. A refusal is
/// logged and returned as an outcome; log lines name the key's owner (ApiKey), never the key.
/// </summary>
internal sealed class ApiKeyGate(ApiKeyRegistry keys, ILogger<ApiKeyGate> logger)
{
    public const string ApiKeyProperty = "ApiKey";

    /// <summary>False when no keys are configured: every call is served.</summary>
    public bool Enabled => keys.Enabled;

    /// <summary>
    /// The presented key's entry, or null and the refusal (UNAUTHENTICATED): <paramref name="howToSend"/>
    /// is the message, {0} standing for "no API key" or "an unknown API key".
    /// </summary>
    public ApiKeyRegistry.ApiKey? Authenticate(string? presented, string streamId, string method, CompositeFormat howToSend, out CallOutcome refusal)
    {
        refusal = CallOutcome.Completed;
        if (!string.IsNullOrEmpty(presented) && keys.Find(presented) is { } key)
        {
            return key;
        }

        var reason = string.IsNullOrEmpty(presented) ? "no API key" : "an unknown API key";
        ServerLog.Unauthenticated(logger, streamId, method, reason);
        refusal = new(CallEnd.Unauthenticated, string.Format(null, howToSend, reason));
        return null;
    }

    /// <summary>Takes one of the key's MaxStreams slots (give it back with <c>key.Release()</c>); false and the refusal past the limit.</summary>
    public bool TryAcquire(ApiKeyRegistry.ApiKey key, string streamId, out CallOutcome refusal)
    {
        refusal = CallOutcome.Completed;
        if (key.TryAcquire())
        {
            return true;
        }

        ServerLog.KeyStreamLimitReached(logger, streamId, key.Name, key.MaxStreams);
        refusal = new(CallEnd.ServerBusy, $"This API key ('{key.Name}') already holds its limit of {key.MaxStreams} streams; end one or retry later.");
        return false;
    }

    /// <summary>A log scope naming the key's owner (<see cref="ApiKeyProperty"/>); null without a key.</summary>
    public IDisposable? BeginScope(ApiKeyRegistry.ApiKey? key)
        => key is null ? null : logger.BeginScope(new Dictionary<string, object> { [ApiKeyProperty] = key.Name });
}
