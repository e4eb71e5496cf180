using LeaPformer.Contracts.V1;

namespace LeaPformer.Server.Internal;

internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded model {ModelName} from {Directory}: {Attention} attention, {SourceLanguage}->{TargetLanguage}, default k {DefaultWaitK}")]
    public static partial void ModelLoaded(ILogger logger, string modelName, string directory, string attention, string sourceLanguage, string targetLanguage, int defaultWaitK);

    [LoggerMessage(2, LogLevel.Critical, "The server cannot start: {Reason}")]
    public static partial void StartupFailed(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Information, "Stream {StreamId} started: {Encoding} {SampleRate} Hz, k {WaitK}, single utterance {SingleUtterance}")]
    public static partial void StreamStarted(ILogger logger, string streamId, AudioEncoding encoding, int sampleRate, int waitK, bool singleUtterance);

    [LoggerMessage(4, LogLevel.Information, "Stream {StreamId} ended: {AudioMs} ms of audio, {Segments} final segments")]
    public static partial void StreamEnded(ILogger logger, string streamId, long audioMs, int segments);

    [LoggerMessage(5, LogLevel.Information, "Stream {StreamId} rejected ({StatusCode}): {Reason}")]
    public static partial void StreamRejected(ILogger logger, string streamId, Grpc.Core.StatusCode statusCode, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Stream {StreamId} refused: {Active} of {Limit} streams are in use")]
    public static partial void StreamLimitReached(ILogger logger, string streamId, int active, int limit);

    [LoggerMessage(7, LogLevel.Information, "Stream {StreamId} cancelled by the client")]
    public static partial void StreamCancelled(ILogger logger, string streamId);

    [LoggerMessage(8, LogLevel.Error, "Stream {StreamId}: the model failed")]
    public static partial void ModelFailed(ILogger logger, string streamId, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Stream {StreamId} ended: the server is shutting down")]
    public static partial void StreamEndedByShutdown(ILogger logger, string streamId);
}
