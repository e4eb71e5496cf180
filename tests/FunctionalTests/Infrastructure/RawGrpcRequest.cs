using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// One gRPC call made of bytes no gRPC client would send: a request body written as given (frames
/// cut short, payloads that are not protobuf, a compressed flag over bytes that are not gzip), and
/// the status the server answers with, read from its trailers (or headers, for a trailers-only reply).
/// </summary>
public static class RawGrpcRequest
{
    /// <summary>A gRPC length-prefixed frame: the compressed flag, the length (big-endian), the payload.</summary>
    public static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<Status> SendAsync(TranslationServerFactory server, string method, byte[] body, string? encoding = null)
    {
        using var client = new HttpClient(server.Server.CreateHandler()) { BaseAddress = server.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/leapformer.v1.Translator/" + method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Stream);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(TestTimeouts.Stream);
        var code = Header(response, "grpc-status") ?? throw new InvalidOperationException($"No grpc-status in the reply (HTTP {(int)response.StatusCode}).");
        return new Status((StatusCode)int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First() : null;
}
