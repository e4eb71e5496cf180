using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>TLS through standard Kestrel configuration (Kestrel:Endpoints:*:Certificate), with a certificate made here.</summary>
[Collection(ServerCollection.Name)]
public sealed class TlsTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("leapformer-tls-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task GrpcOverTlsWithAConfiguredCertificate()
    {
        using var certificate = SelfSigned();
        var pfx = Path.Combine(_scratch, "server.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test-password"));
        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);

        // Endpointing off: the stream is compared with the whole-WAV golden decode (WholeStreamServer).
        await using var factory = new KestrelServerFactory(
            new Dictionary<string, string>
            {
                [WholeStreamServer.EndpointingEnabled] = "false",
                ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http1AndHttp2", // ALPN picks h2 for gRPC
                ["Kestrel:Endpoints:Grpc:Certificate:Path"] = pfx,
                ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "test-password",
            },
            () => new SocketsHttpHandler
            {
                // Trust exactly the certificate made above.
                SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint },
            });

        Assert.Equal("https", factory.GrpcAddress.Scheme);
        using var channel = factory.CreateChannel();
        var utterance = GoldenSet.Load(factory.BundlePath)[0];
        var outcome = await factory.CreateClient(channel)
            .TranslateAsync(WavLoader.Load(utterance.WavPath), new TranslateOptions(WaitK: 3, RealTime: false))
            .WaitAsync(TestTimeouts.Stream);
        Assert.Equal(utterance.Decode(3).Tokens, outcome.Tokens.Select(t => t.Id));

        // A client that does not trust the certificate gets no service.
        using var untrusting = Grpc.Net.Client.GrpcChannel.ForAddress(factory.GrpcAddress);
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => new StreamingTranslationClient(untrusting).GetModelInfoAsync(TestTimeouts.Short));
        Assert.Contains("SSL", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(factory.Logs.ErrorsSince(0));
    }

    /// <summary>For localhost and 127.0.0.1, valid for a day (also used by the web demo's TLS test).</summary>
    internal static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
