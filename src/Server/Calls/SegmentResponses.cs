using LeaPformer.Contracts.V1;
using LeaPformer.Server.Hosting;
using LeaPformer.Streaming;
using SegmentEndReason = LeaPformer.Streaming.SegmentEndReason;

namespace LeaPformer.Server.Calls;

/// <summary>
/// Turns a session's updates into the call's responses: each result carries only the tokens its
/// update appended to the segment (<see cref="SegmentUpdate.NewTokensFrom"/>); a final result is followed by END_OF_SEGMENT, and for a
/// single_utterance stream by END_OF_SINGLE_UTTERANCE.
/// </summary>
internal sealed class SegmentResponses(CallResponseWriter responses, CallMeter meter, bool singleUtterance, ILogger logger, string streamId)
{
    /// <summary>Queues the responses for <paramref name="updates"/>; true when a single utterance ended.</summary>
    public async ValueTask<bool> EmitAsync(List<SegmentUpdate> updates, CancellationToken cancellationToken)
    {
        foreach (var update in updates)
        {
            await responses.QueueAsync(ResponseFactory.Result(update), cancellationToken);
            meter.TokensSent(update.Tokens.Count - update.NewTokensFrom);
            if (!update.IsFinal)
            {
                continue;
            }

            meter.SegmentEnded(update.EndReason);
            if (update.EndReason is SegmentEndReason.RunawayTokens or SegmentEndReason.Repetition)
            {
                ServerLog.RunawayStopped(logger, streamId, update.SegmentIndex, update.EndReason.ToString(), update.Tokens.Count,
                    update.SegmentEndMs - update.SegmentStartMs);
            }

            await responses.QueueAsync(ResponseFactory.Event(SpeechEventType.EndOfSegment), cancellationToken);
            if (singleUtterance)
            {
                await responses.QueueAsync(ResponseFactory.Event(SpeechEventType.EndOfSingleUtterance), cancellationToken);
                return true;
            }
        }

        return false;
    }
}
