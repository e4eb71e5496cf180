namespace LeaPformer.Server.Services;

/// <summary>
/// What a client is told about request bytes gRPC cannot use (INVALID_ARGUMENT), worded once for
/// the streaming call (<see cref="GrpcCallInput"/>) and the unary guard (<see cref="UnaryRequestGuard"/>).
/// </summary>
internal static class RequestProblems
{
    /// <summary>The message bytes do not parse as <paramref name="messageName"/>.</summary>
    public static string NotTheMessage(string subject, string messageName, string detail) =>
        $"{subject} is not a {messageName} ({detail}); send the messages of protos/leapformer/v1/translation.proto.";

    /// <summary>The frame's compressed flag or its grpc-encoding lied.</summary>
    public static string NotDecompressible(string subject, string detail) =>
        $"{subject} could not be decompressed with its grpc-encoding ({detail}).";

    /// <summary>The request ended inside a message's frame.</summary>
    public static string CutShort(string subject, string? detail = null) =>
        $"{subject} ended in the middle of a message{(detail is null ? "" : $" ({detail})")}: each message's 5-byte gRPC header must be followed by all of its bytes.";
}
