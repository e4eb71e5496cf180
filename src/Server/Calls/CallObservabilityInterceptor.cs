using Grpc.Core;
using Grpc.Core.Interceptors;
using LeaPformer.Server.Hosting;

namespace LeaPformer.Server.Calls;

/// <summary>
/// The outermost interceptor of the Translator service: puts the call's StreamId on every log
/// line written while the call runs (a log scope, so the writer task and the model code get it
/// too), and counts how each call ended, by gRPC status code.
/// </summary>
internal sealed class CallObservabilityInterceptor(ServerMetrics metrics, ILogger<CallObservabilityInterceptor> logger) : Interceptor
{
    public const string StreamIdProperty = "StreamId";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var scope = BeginScope(context);
        try
        {
            var response = await continuation(request, context);
            metrics.CallEnded(MethodName(context), StatusCode.OK);
            return response;
        }
        catch (Exception ex)
        {
            metrics.CallEnded(MethodName(context), StatusOf(ex, context));
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var scope = BeginScope(context);
        try
        {
            await continuation(requestStream, responseStream, context);
            metrics.CallEnded(MethodName(context), StatusCode.OK);
        }
        catch (Exception ex)
        {
            metrics.CallEnded(MethodName(context), StatusOf(ex, context));
            throw;
        }
    }

    /// <summary>The id the server's log lines use for this call (unique per process; Kestrel's connection and stream ids).</summary>
    public static string StreamId(ServerCallContext context) => context.GetHttpContext().TraceIdentifier;

    private IDisposable? BeginScope(ServerCallContext context)
        => logger.BeginScope(new Dictionary<string, object> { [StreamIdProperty] = StreamId(context) });

    /// <summary>"StreamingTranslate" of "/leapformer.v1.Translator/StreamingTranslate": a bounded label.</summary>
    private static string MethodName(ServerCallContext context) => context.Method[(context.Method.LastIndexOf('/') + 1)..];

    private static StatusCode StatusOf(Exception error, ServerCallContext context) => error switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };
}
