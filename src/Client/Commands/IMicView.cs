using LeaPformer.Client.Capture;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Commands;

/// <summary>How <c>leapformer mic</c> shows the translation: a live terminal display or plain lines.</summary>
internal interface IMicView
{
    /// <summary>Runs <paramref name="session"/> while showing what it receives.</summary>
    Task<LiveOutcome> RunAsync(Func<Task<LiveOutcome>> session);

    /// <summary>One response, as it arrives (on the reader task).</summary>
    void OnResponse(StreamingTranslateResponse response);

    /// <summary>The user stopped the input; the final result is awaited.</summary>
    void OnStopping();

    /// <summary>After the session: how much audio, how many segments.</summary>
    void Summary(LiveOutcome outcome);
}
