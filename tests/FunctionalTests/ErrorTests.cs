using Grpc.Core;
using Grpc.Health.V1;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Contracts.V1;
using LeaPformer.FunctionalTests.Infrastructure;
using static LeaPformer.FunctionalTests.Infrastructure.RawStream;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// The bad-input matrix: each case ends its stream with the exact status and a sentence; the
/// server stays SERVING and a good stream running beside it gives exactly its output alone.
/// </summary>
public sealed class ErrorTests(SharedServer server) : ServerTest(server)
{
    public static TheoryData<string, StatusCode> Cases => new()
    {
        { "audio before config", StatusCode.InvalidArgument },
        { "empty first message", StatusCode.InvalidArgument },
        { "config twice", StatusCode.InvalidArgument },
        { "config twice in a row", StatusCode.InvalidArgument },
        { "rate zero", StatusCode.InvalidArgument },
        { "rate too low", StatusCode.InvalidArgument },
        { "rate too high", StatusCode.InvalidArgument },
        { "unspecified encoding", StatusCode.InvalidArgument },
        { "unknown encoding", StatusCode.InvalidArgument },
        { "stereo", StatusCode.InvalidArgument },
        { "negative channel count", StatusCode.InvalidArgument },
        { "odd byte count", StatusCode.InvalidArgument },
        { "odd byte count after good audio", StatusCode.InvalidArgument },
        { "float NaN", StatusCode.InvalidArgument },
        { "float +infinity", StatusCode.InvalidArgument },
        { "float -infinity", StatusCode.InvalidArgument },
        { "float partial sample", StatusCode.InvalidArgument },
        { "k above range", StatusCode.InvalidArgument },
        { "k below offline", StatusCode.InvalidArgument },
        { "wrong source language", StatusCode.InvalidArgument },
        { "wrong target language", StatusCode.InvalidArgument },
        { "unknown language pair", StatusCode.InvalidArgument },
        { "language code of 100 KB", StatusCode.InvalidArgument },
        { "language code that is no tag", StatusCode.InvalidArgument },
        { "message over MaxMessageBytes", StatusCode.ResourceExhausted },
        { "empty audio chunks are ignored", StatusCode.OK },
        { "half-close before config", StatusCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputGetsItsStatusAndAGoodStreamIsUnaffected(string name, StatusCode expected)
    {
        var utterance = Golden[0];
        var alone = await AloneAsync(utterance, 3);
        var good = TranslateAsync(WavLoader.Load(utterance.WavPath), new TranslateOptions(WaitK: 3, RealTime: false));

        var (responses, error) = await RunAsync(Channel, Messages(name)).WaitAsync(TestTimeouts.Stream);

        Assert.Equal(expected, error?.StatusCode ?? StatusCode.OK);
        if (error is not null)
        {
            Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail), "the status must carry a sentence");
            Assert.DoesNotContain(responses, r => r.Result?.IsFinal == true); // bad input gets no final result
        }

        Assert.Equal(alone, StreamSignature.Of(await good));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Server.HealthAsync(Channel));
    }

    [Theory]
    [InlineData("audio before config", "audio before config")]
    [InlineData("odd byte count", "3 bytes")]
    [InlineData("float NaN", "NaN")]
    [InlineData("k above range", "wait_k")]
    [InlineData("unknown language pair", "'fr' to 'de'")]
    [InlineData("message over MaxMessageBytes", "Streaming:MaxMessageBytes")]
    [InlineData("half-close before config", "The stream ended before its config")]
    [InlineData("language code of 100 KB", "source_language_code must be a BCP-47 language tag")]
    [InlineData("language code that is no tag", "target_language_code must be a BCP-47 language tag")]
    public async Task TheSentenceSaysWhatIsWrong(string name, string expected)
    {
        var (_, error) = await RunAsync(Channel, Messages(name));

        Assert.Contains(expected, error!.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EmptyChunksChangeNothing()
    {
        var audio = WavLoader.Load(Golden[1].WavPath);
        var messages = new List<StreamingTranslateRequest> { Config(waitK: 3) };
        for (var start = 0; start < audio.Samples.Length; start += 1600)
        {
            messages.Add(Audio([]));
            messages.Add(Audio(audio.Linear16(start, Math.Min(1600, audio.Samples.Length - start))));
        }

        var (responses, error) = await RunAsync(Channel, [.. messages, Audio([])]);

        Assert.Null(error);
        var alone = await AloneAsync(Golden[1], 3);
        Assert.Equal(alone.Tokens, string.Join(' ', responses.Where(r => r.Result is not null).SelectMany(r => r.Result.Tokens).Select(t => $"{t.Id}@{t.SourceMs}")));
    }

    [Fact]
    public async Task LanguageCodesWithARegionAreAccepted()
    {
        var (responses, error) = await RunAsync(Channel, [Config(source: "en-US", target: "es-ES"), .. Chunks(WavLoader.Load(Golden[0].WavPath))]);

        Assert.Null(error);
        Assert.Contains(responses, r => r.Result?.IsFinal == true);
    }

    private StreamingTranslateRequest[] Messages(string name)
    {
        var model = Server.Model.Metadata;
        return name switch
        {
            "audio before config" => [Silence(100), Config()],
            "empty first message" => [new StreamingTranslateRequest(), Config()],
            "config twice" => [Config(), Silence(100), Config()],
            "config twice in a row" => [Config(), Config()],
            "rate zero" => [Config(rate: 0), Silence(100)],
            "rate too low" => [Config(rate: 4000), Silence(100)],
            "rate too high" => [Config(rate: 96000), Silence(100)],
            "unspecified encoding" => [Config(encoding: AudioEncoding.Unspecified), Silence(100)],
            "unknown encoding" => [Config(encoding: (AudioEncoding)99), Silence(100)],
            "stereo" => [Config(channels: 2), Silence(100)],
            "negative channel count" => [Config(channels: -1), Silence(100)],
            "odd byte count" => [Config(), Audio(new byte[3])],
            "odd byte count after good audio" => [Config(), Silence(300), Audio(new byte[101])],
            "float NaN" => [Config(encoding: AudioEncoding.Float32), Audio(BitConverter.GetBytes(float.NaN))],
            "float +infinity" => [Config(encoding: AudioEncoding.Float32), Audio([.. new byte[400], .. BitConverter.GetBytes(float.PositiveInfinity)])],
            "float -infinity" => [Config(encoding: AudioEncoding.Float32), Audio(BitConverter.GetBytes(float.NegativeInfinity))],
            "float partial sample" => [Config(encoding: AudioEncoding.Float32), Audio(new byte[6])],
            "k above range" => [Config(waitK: model.KMax + 1), Silence(100)],
            "k below offline" => [Config(waitK: -2), Silence(100)],
            "wrong source language" => [Config(source: "fr"), Silence(100)],
            "wrong target language" => [Config(target: "de"), Silence(100)],
            "unknown language pair" => [Config(source: "fr", target: "de"), Silence(100)],
            "language code of 100 KB" => [Config(source: "en-" + new string('a', 100_000)), Silence(100)],
            "language code that is no tag" => [Config(target: "es--ES"), Silence(100)],
            "message over MaxMessageBytes" => [Config(), Audio(new byte[1024 * 1024 + 2])],
            "empty audio chunks are ignored" => [Config(), Audio([]), Silence(300), Audio([]), new StreamingTranslateRequest()],
            "half-close before config" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
