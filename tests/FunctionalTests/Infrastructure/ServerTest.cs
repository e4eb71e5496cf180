using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// A test against the shared in-process server. Fails the test when the server logged an
/// Error it did not expect (<see cref="AllowErrorLogs"/>), so bad input can never crash quietly.
/// </summary>
[Collection(ServerCollection.Name)]
public abstract class ServerTest(TranslationServerFactory server) : IAsyncLifetime
{
    private int _logMark;
    private bool _errorsAllowed;

    protected TranslationServerFactory Server { get; } = server;

    protected GrpcChannel Channel { get; private set; } = null!;

    protected StreamingTranslationClient Client { get; private set; } = null!;

    protected IReadOnlyList<GoldenUtterance> Golden { get; private set; } = [];

    public Task InitializeAsync()
    {
        _logMark = Server.Logs.Mark;
        Channel = Server.CreateChannel();
        Client = Server.CreateClient(Channel);
        Golden = GoldenSet.Load(Server.BundlePath);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        // A stream ends on the server shortly after the client sees its end: let slots drain.
        await TestTimeouts.WaitUntilAsync(() => Server.Limiter.Active == 0, TestTimeouts.Short, "every stream has ended on the server");
        await TestTimeouts.WaitUntilAsync(() => Server.Metrics.ActiveSessions == 0, TestTimeouts.Short, "every model session was disposed");
        var errors = Server.Logs.ErrorsSince(_logMark);
        if (!_errorsAllowed)
        {
            Assert.True(errors.Count == 0, $"The server logged errors:{Environment.NewLine}{LogCapture.Describe(errors)}");
        }
    }

    protected void AllowErrorLogs() => _errorsAllowed = true;

    /// <summary>What <paramref name="utterance"/> gives at <paramref name="k"/> when it is the only stream (computed once per run).</summary>
    protected Task<StreamSignature> AloneAsync(GoldenUtterance utterance, int k) => StreamSignature.AloneAsync(Server, utterance, k);

    /// <summary>Streams <paramref name="audio"/> as fast as possible unless the options say otherwise; bounded by <see cref="TestTimeouts.Stream"/>.</summary>
    protected Task<TranslationOutcome> TranslateAsync(PcmAudio audio, TranslateOptions? options = null, CancellationToken cancellationToken = default)
        => Client.TranslateAsync(audio, options ?? new TranslateOptions(RealTime: false), cancellationToken: cancellationToken)
            .WaitAsync(TestTimeouts.Stream, cancellationToken);
}
