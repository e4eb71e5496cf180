using LeaPformer.Contracts.V1;
using LeaPformer.Server.Models;
using LeaPformer.Server.Options;
using LeaPformer.Streaming;
using SegmentEndReason = LeaPformer.Streaming.SegmentEndReason;
using WireEndReason = LeaPformer.Contracts.V1.SegmentEndReason;

namespace LeaPformer.Server.Calls;

/// <summary>Maps runtime results to wire messages.</summary>
internal static class ResponseFactory
{
    /// <summary>
    /// The wire result for <paramref name="update"/>, whose Tokens hold the whole segment so far;
    /// the wire carries only the tokens this update appended (from <see cref="SegmentUpdate.NewTokensFrom"/> on).
    /// </summary>
    public static StreamingTranslateResponse Result(SegmentUpdate update)
    {
        var result = new TranslationResult
        {
            Text = update.Text,
            Delta = update.Delta,
            IsFinal = update.IsFinal,
            SegmentIndex = update.SegmentIndex,
            SegmentStartMs = update.SegmentStartMs,
            EndReason = EndReason(update.EndReason),
        };
        for (var i = update.NewTokensFrom; i < update.Tokens.Count; i++)
        {
            var token = update.Tokens[i];
            result.Tokens.Add(new Token { Id = token.Id, Piece = token.Piece, SourceMs = token.SourceMs });
        }

        return new StreamingTranslateResponse { Result = result };
    }

    public static StreamingTranslateResponse Event(SpeechEventType type) => new() { SpeechEventType = type };

    public static WireEndReason EndReason(SegmentEndReason reason) => reason switch
    {
        SegmentEndReason.None => WireEndReason.Unspecified,
        SegmentEndReason.InputFinished => WireEndReason.InputFinished,
        SegmentEndReason.TrailingSilence => WireEndReason.TrailingSilence,
        SegmentEndReason.MaxSegmentLength => WireEndReason.MaxSegmentLength,
        SegmentEndReason.RunawayTokens => WireEndReason.RunawayTokens,
        SegmentEndReason.Repetition => WireEndReason.Repetition,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "A segment end reason the wire does not know."),
    };

    public static ModelInfo Info(LoadedModel model, StreamingOptions limits, SessionFactory sessions, bool apiKeyRequired, bool ready)
    {
        var m = model.Metadata;
        return new ModelInfo
        {
            ModelName = m.ModelName,
            ModelType = m.ModelType,
            ModelVersion = Convert.ToString(m.Version, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Attention = m.Attention,
            SourceLanguageCode = m.SourceLanguage,
            TargetLanguageCode = m.TargetLanguage,
            SampleRateHertz = m.SampleRate,
            DefaultWaitK = model.DefaultWaitK,
            MinWaitK = m.KMin,
            MaxWaitK = m.KMax,
            SourceUnitMs = m.PreDecision * m.FrameMs,
            VocabSize = m.VocabSize,
            Limits = new ServerLimits
            {
                MaxConcurrentStreams = limits.MaxConcurrentStreams,
                MaxMessageBytes = limits.MaxMessageBytes,
                MaxStreamDurationMs = (long)limits.MaxStreamDuration.TotalMilliseconds,
                IdleTimeoutMs = (long)limits.IdleTimeout.TotalMilliseconds,
                ApiKeyRequired = apiKeyRequired,
            },
            Ready = ready,
            Endpointing = new Endpointing
            {
                Enabled = sessions.SegmentsStreams,
                MinTrailingSilenceMs = sessions.Endpoint.Rule2MinTrailingSilenceMs,
                MaxSegmentMs = sessions.Endpoint.MaxSegmentMs,
            },
        };
    }
}
