using Grpc.Core;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Server.Hosting;

/// <summary>
/// Every log line of the server. Lines of a call also carry StreamId (and ApiKey when keys are on)
/// from the call's log scope. Neither audio nor API keys are ever logged.
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded model {ModelName} from {Directory}: {Attention} attention, {SourceLanguage}->{TargetLanguage}, default k {DefaultWaitK}, level normalisation {LevelNormalization}")]
    public static partial void ModelLoaded(ILogger logger, string modelName, string directory, string attention, string sourceLanguage, string targetLanguage, int defaultWaitK, Streaming.LevelNormalization levelNormalization);

    [LoggerMessage(2, LogLevel.Critical, "The server cannot start: {Reason}")]
    public static partial void StartupFailed(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Information, "Stream {StreamId} started: {Encoding} {SampleRate} Hz, k {WaitK}, single utterance {SingleUtterance}")]
    public static partial void StreamStarted(ILogger logger, string streamId, AudioEncoding encoding, int sampleRate, int waitK, bool singleUtterance);

    [LoggerMessage(4, LogLevel.Information, "Stream {StreamId} ended: {AudioMs} ms of audio, {Tokens} tokens, {Segments} final segments, real-time factor {RealTimeFactor:0.000}")]
    public static partial void StreamEnded(ILogger logger, string streamId, long audioMs, int tokens, int segments, double realTimeFactor);

    [LoggerMessage(5, LogLevel.Information, "Stream {StreamId} ended with {StatusCode}: {Reason}")]
    public static partial void StreamFailed(ILogger logger, string streamId, StatusCode statusCode, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Stream {StreamId} refused: {Active} of {Limit} streams are in use")]
    public static partial void StreamLimitReached(ILogger logger, string streamId, int active, int limit);

    [LoggerMessage(7, LogLevel.Information, "Stream {StreamId} cancelled by the client")]
    public static partial void StreamCancelled(ILogger logger, string streamId);

    [LoggerMessage(8, LogLevel.Error, "Stream {StreamId}: the model failed")]
    public static partial void ModelFailed(ILogger logger, string streamId, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Stream {StreamId} ended: the server is shutting down")]
    public static partial void StreamEndedByShutdown(ILogger logger, string streamId);

    [LoggerMessage(10, LogLevel.Information, "Model warmed up in {ElapsedMs:0} ms; the server is ready")]
    public static partial void ModelWarmedUp(ILogger logger, double elapsedMs);

    [LoggerMessage(11, LogLevel.Warning, "Call {StreamId} to {Method} refused: {Reason}")]
    public static partial void Unauthenticated(ILogger logger, string streamId, string method, string reason);

    [LoggerMessage(12, LogLevel.Warning, "Stream {StreamId} refused: key {ApiKey} already holds its {Limit} streams")]
    public static partial void KeyStreamLimitReached(ILogger logger, string streamId, string apiKey, int limit);

    [LoggerMessage(13, LogLevel.Information, "Shutting down: no new streams; {Active} streams in flight get {GracePeriod} to finish")]
    public static partial void ShutdownStarted(ILogger logger, int active, TimeSpan gracePeriod);

    [LoggerMessage(14, LogLevel.Information, "Shutdown: every stream has ended")]
    public static partial void ShutdownDrained(ILogger logger);

    [LoggerMessage(15, LogLevel.Warning, "Shutdown: {Active} streams still running when the host stopped waiting")]
    public static partial void ShutdownNotDrained(ILogger logger, int active);

    [LoggerMessage(16, LogLevel.Information, "Stream {StreamId} refused: the server is shutting down")]
    public static partial void StreamRefusedWhileStopping(ILogger logger, string streamId);

    [LoggerMessage(17, LogLevel.Information, "Stream {StreamId}: input ended by the server ({Reason}); finalizing the segment")]
    public static partial void InputEndedByServer(ILogger logger, string streamId, string reason);

    [LoggerMessage(18, LogLevel.Information, "Stream {StreamId}: the runaway guard ended segment {SegmentIndex} ({EndReason}) after {Tokens} tokens and {AudioMs} ms of its audio")]
    public static partial void RunawayStopped(ILogger logger, string streamId, int segmentIndex, string endReason, int tokens, long audioMs);

    [LoggerMessage(19, LogLevel.Information, "Speech detector: {Detector} ({Detail})")]
    public static partial void SpeechDetectorChosen(ILogger logger, string detector, string detail);

    [LoggerMessage(20, LogLevel.Warning, "Endpointing:Detector is silero, but {Reason}; the energy detector runs instead (Endpointing:SileroRequired=true stops the server instead)")]
    public static partial void SileroUnavailable(ILogger logger, string reason);
}
