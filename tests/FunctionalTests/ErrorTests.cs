using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Streaming;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using static LeaPformer.FunctionalTests.Infrastructure.RawStream;

namespace LeaPformer.FunctionalTests;

/// <summary>Bad input ends that stream with the exact status and a sentence; a concurrent good stream is unaffected.</summary>
public sealed class ErrorTests(SharedServer server) : ServerTest(server)
{
    public static TheoryData<string> Cases =>
    [
        "audio before config", "config twice", "rate too low", "rate too high", "unspecified encoding", "stereo",
        "odd byte count", "float NaN", "float partial sample", "k above range", "k below offline", "wrong source language",
        "wrong target language",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputIsInvalidArgumentAndAGoodStreamIsUnaffected(string name)
    {
        var utterance = Golden[0];
        var good = TranslateAsync(WavLoader.Load(utterance.WavPath), new TranslateOptions(WaitK: 3, RealTime: false));

        var (_, error) = await RunAsync(Channel, Messages(name)).WaitAsync(TestTimeouts.Stream);

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail), "the status must carry a sentence");
        var outcome = await good;
        Assert.Equal(utterance.Decode(3).Tokens, outcome.Tokens.Select(t => t.Id));
        Assert.True(outcome.Segments.Single().IsFinal);
    }

    [Fact]
    public async Task AudioBeforeConfigSaysSo()
    {
        var (_, error) = await RunAsync(Channel, Silence(100));

        Assert.Contains("audio before config", error!.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LanguageCodesWithARegionAreAccepted()
    {
        var (responses, error) = await RunAsync(Channel, Config(source: "en-US", target: "es-ES"), Silence(500));

        Assert.Null(error);
        Assert.Contains(responses, r => r.Result?.IsFinal == true);
    }

    [Fact]
    public async Task HalfCloseBeforeConfigEndsQuietly()
    {
        var (responses, error) = await RunAsync(Channel);

        Assert.Null(error);
        Assert.Empty(responses);
    }

    private StreamingTranslateRequest[] Messages(string name)
    {
        var model = Server.Model.Metadata;
        return name switch
        {
            "audio before config" => [Silence(100), Config()],
            "config twice" => [Config(), Silence(100), Config()],
            "rate too low" => [Config(rate: 4000), Silence(100)],
            "rate too high" => [Config(rate: 96000), Silence(100)],
            "unspecified encoding" => [Config(encoding: AudioEncoding.Unspecified), Silence(100)],
            "stereo" => [Config(channels: 2), Silence(100)],
            "odd byte count" => [Config(), Audio(new byte[3])],
            "float NaN" => [Config(encoding: AudioEncoding.Float32), Audio(BitConverter.GetBytes(float.NaN))],
            "float partial sample" => [Config(encoding: AudioEncoding.Float32), Audio(new byte[6])],
            "k above range" => [Config(waitK: model.KMax + 1), Silence(100)],
            "k below offline" => [Config(waitK: -2), Silence(100)],
            "wrong source language" => [Config(source: "fr"), Silence(100)],
            "wrong target language" => [Config(target: "de"), Silence(100)],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
