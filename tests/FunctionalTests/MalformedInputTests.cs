using Grpc.Core;
using Grpc.Health.V1;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Bytes no gRPC client sends get INVALID_ARGUMENT and a sentence, are counted as such (not as a
/// client's cancel) and log no model failure; the server stays SERVING.
/// </summary>
public sealed class MalformedInputTests(SharedServer server) : ServerTest(server)
{
    public static TheoryData<string, string> Cases => new()
    {
        { "not protobuf", "is not a StreamingTranslateRequest" },
        { "frame cut short by the half-close", "ended in the middle of a message" },
        { "compressed flag over bytes that are not gzip", "could not be decompressed" },
        { "no message at all", "The stream ended before its config" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedStreamsAreInvalidArgumentsWithASentence(string name, string sentence)
    {
        var invalidBefore = Errors(StatusCode.InvalidArgument);
        var cancelledBefore = Errors(StatusCode.Cancelled);
        var (body, encoding) = name switch
        {
            "not protobuf" => (RawGrpcRequest.Frame([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]), null),
            "frame cut short by the half-close" => (RawGrpcRequest.Frame(new byte[100])[..20], null),
            "compressed flag over bytes that are not gzip" => (RawGrpcRequest.Frame("not gzip at all"u8.ToArray(), compressed: true), "gzip"),
            _ => (Array.Empty<byte>(), (string?)null),
        };

        var status = await RawGrpcRequest.SendAsync(Server, "StreamingTranslate", body, encoding);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains(sentence, status.Detail, StringComparison.Ordinal);
        await TestTimeouts.WaitUntilAsync(() => Errors(StatusCode.InvalidArgument) == invalidBefore + 1, TestTimeouts.Short, "the call is counted as INVALID_ARGUMENT");
        Assert.Equal(cancelledBefore, Errors(StatusCode.Cancelled));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Server.HealthAsync(Channel));
    }

    [Theory]
    [InlineData("not protobuf", "is not a GetModelInfoRequest")]
    [InlineData("frame cut short", "ended in the middle of a message")]
    [InlineData("not gzip", "could not be decompressed")]
    public async Task AGetModelInfoRequestThatIsNotOneIsAnInvalidArgumentNotUnknown(string name, string sentence)
    {
        var invalidBefore = Server.Metrics.Errors.WithLabels("GetModelInfo", nameof(StatusCode.InvalidArgument)).Value;
        var (body, encoding) = name switch
        {
            "not protobuf" => (RawGrpcRequest.Frame([0xff, 0xff, 0xff]), null),
            "frame cut short" => (RawGrpcRequest.Frame(new byte[10])[..8], null),
            _ => (RawGrpcRequest.Frame("not gzip"u8.ToArray(), compressed: true), (string?)"gzip"),
        };

        var status = await RawGrpcRequest.SendAsync(Server, "GetModelInfo", body, encoding);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains(sentence, status.Detail, StringComparison.Ordinal);
        Assert.Equal(invalidBefore + 1, Server.Metrics.Errors.WithLabels("GetModelInfo", nameof(StatusCode.InvalidArgument)).Value);
        Assert.Equal(StatusCode.OK, (await RawGrpcRequest.SendAsync(Server, "GetModelInfo", RawGrpcRequest.Frame([]))).StatusCode);
    }

    private double Errors(StatusCode code) => Server.Metrics.Errors.WithLabels("StreamingTranslate", code.ToString()).Value;
}
