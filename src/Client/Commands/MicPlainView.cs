using LeaPformer.Client.Capture;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>mic</c> with output redirected: the header, then each segment as <see cref="LivePrinter"/>
/// prints it for <c>translate</c> (the line grows by each delta, then "final #i: text").
/// </summary>
internal sealed class MicPlainView(TextWriter output, MicHeader header) : IMicView
{
    private readonly LivePrinter _printer = new(output, verbose: false);

    public async Task<LiveOutcome> RunAsync(Func<Task<LiveOutcome>> session)
    {
        output.WriteLine($"mic: {header.Source} -> {header.Server}, model {header.Model}, k = {header.WaitK}; Ctrl+C to stop");
        output.Flush();
        return await session();
    }

    public void OnResponse(StreamingTranslateResponse response) => _printer.OnResponse(response);

    public void OnStopping()
    {
        output.WriteLine();
        output.WriteLine("stopping: waiting for the final result");
        output.Flush();
    }

    public void Summary(LiveOutcome outcome) => output.WriteLine(MicSummary.Describe(outcome));
}
