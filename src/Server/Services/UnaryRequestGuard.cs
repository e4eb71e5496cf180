using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Hosting;

namespace LeaPformer.Server.Services;

/// <summary>
/// Reads GetModelInfo's request before grpc-dotnet does. grpc-dotnet parses a unary request before
/// any interceptor runs and answers one it cannot read with UNKNOWN "Exception was thrown by
/// handler."; here bytes that are not one GetModelInfoRequest get INVALID_ARGUMENT with a sentence
/// (a trailers-only response), counted like any call's status. Good requests pass on untouched.
/// </summary>
internal sealed class UnaryRequestGuard(RequestDelegate next, ServerMetrics metrics)
{
    public const string Method = "GetModelInfo";

    private const string Path = "/leapformer.v1.Translator/" + Method;

    /// <summary>A GetModelInfoRequest is empty; anything this large is not one.</summary>
    private const int MaxBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.Equals(Path, StringComparison.Ordinal)
            || http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await next(http);
            return;
        }

        http.Request.EnableBuffering();
        var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        http.Request.Body.Position = 0;
        if (Problem(body.ToArray(), http.Request.Headers["grpc-encoding"].ToString()) is not { } problem)
        {
            await next(http);
            return;
        }

        metrics.CallEnded(Method, StatusCode.InvalidArgument);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/grpc";
        http.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["grpc-message"] = Uri.EscapeDataString(problem);
    }

    /// <summary>What is wrong with the request body, or null when it is one GetModelInfoRequest.</summary>
    private static string? Problem(byte[] body, string encoding)
    {
        if (body.Length > MaxBytes)
        {
            return $"A GetModelInfo request is one small message; got {body.Length} bytes.";
        }

        if (body.Length < 5)
        {
            return $"A GetModelInfo request must be one gRPC message (a 5-byte header, then the message); got {body.Length} bytes.";
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4));
        if (body[0] > 1 || length != body.Length - 5)
        {
            return body[0] > 1 || length > body.Length - 5
                ? RequestProblems.CutShort("The request")
                : "A GetModelInfo request must be exactly one message.";
        }

        var payload = body[5..];
        if (body[0] == 1)
        {
            if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return null; // grpc-dotnet answers an encoding it does not know itself
            }

            try
            {
                using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
                var plain = new MemoryStream();
                gzip.CopyTo(plain);
                payload = plain.ToArray();
            }
            catch (InvalidDataException ex)
            {
                return RequestProblems.NotDecompressible("The compressed request", ex.Message);
            }
        }

        try
        {
            GetModelInfoRequest.Parser.ParseFrom(payload);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return RequestProblems.NotTheMessage("The request", nameof(GetModelInfoRequest), ex.Message);
        }
    }
}
