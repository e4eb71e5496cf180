using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using LeaPformer.Client.Audio;
using LeaPformer.Contracts.V1;

namespace LeaPformer.Client.Translation;

/// <summary>
/// Streams audio through StreamingTranslate: a background task reads the responses while
/// this one writes the config and the audio chunks, half-closes, then awaits the reader
/// (the grpc-dotnet bidi pattern). Used by the CLI, the functional tests and benchmarks.
/// </summary>
public sealed class StreamingTranslationClient(Translator.TranslatorClient client)
{
    public StreamingTranslationClient(GrpcChannel channel)
        : this(new Translator.TranslatorClient(channel))
    {
    }

    public Task<ModelInfo> GetModelInfoAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => client.GetModelInfoAsync(new GetModelInfoRequest(), deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken).ResponseAsync;

    /// <summary>Streams <paramref name="audio"/> and returns what came back.</summary>
    /// <param name="onResponse">Called on the reader task for each response, as it arrives.</param>
    /// <exception cref="RpcException">The server ended the stream with an error status.</exception>
    public async Task<TranslationOutcome> TranslateAsync(
        PcmAudio audio,
        TranslateOptions options,
        Action<StreamingTranslateResponse>? onResponse = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkMs, 1);
        var collector = new ResponseCollector(onResponse);
        DateTime? deadline = options.Timeout is { } timeout ? DateTime.UtcNow + timeout : null;
        using var call = client.StreamingTranslate(deadline: deadline, cancellationToken: cancellationToken);

        var clock = Stopwatch.StartNew();
        var reader = collector.ReadAllAsync(call.ResponseStream, clock, cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new StreamingTranslateRequest { Config = Config(audio, options) }, cancellationToken);
            await WriteAudioAsync(call.RequestStream, audio, options, clock, reader, cancellationToken);
            if (!reader.IsCompleted)
            {
                await call.RequestStream.CompleteAsync();
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call while we were writing (an error status, or a single
            // utterance ended); the reader task holds the outcome.
        }

        await reader;
        return collector.ToOutcome(audio.DurationMs, clock.Elapsed);
    }

    private static async Task WriteAudioAsync(
        IClientStreamWriter<StreamingTranslateRequest> requests,
        PcmAudio audio,
        TranslateOptions options,
        Stopwatch clock,
        Task reader,
        CancellationToken cancellationToken)
    {
        var chunk = Math.Max(1, (int)((long)audio.SampleRate * options.ChunkMs / 1000));
        for (var start = 0; start < audio.Samples.Length && !reader.IsCompleted; start += chunk)
        {
            var count = Math.Min(chunk, audio.Samples.Length - start);
            if (options.RealTime)
            {
                // A microphone delivers this chunk only once its last sample has been recorded.
                var due = TimeSpan.FromSeconds((double)(start + count) / audio.SampleRate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
            }

            var bytes = options.Encoding == AudioEncoding.Float32 ? audio.Float32(start, count) : audio.Linear16(start, count);
            await requests.WriteAsync(
                new StreamingTranslateRequest { AudioContent = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(bytes) },
                cancellationToken);
        }
    }

    private static StreamingTranslateConfig Config(PcmAudio audio, TranslateOptions options) => new()
    {
        Encoding = options.Encoding,
        SampleRateHertz = audio.SampleRate,
        AudioChannelCount = 1,
        SourceLanguageCode = options.SourceLanguage,
        TargetLanguageCode = options.TargetLanguage,
        WaitK = options.WaitK,
        SingleUtterance = options.SingleUtterance,
    };
}
