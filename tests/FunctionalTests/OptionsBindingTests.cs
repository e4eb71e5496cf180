using LeaPformer.FunctionalTests.Infrastructure;
using LeaPformer.Server.Models;
using LeaPformer.Streaming;
using Microsoft.Extensions.DependencyInjection;

namespace LeaPformer.FunctionalTests;

/// <summary>The Endpointing, Runaway and Batching sections reach the sessions and the batch service, and GetModelInfo reports endpointing.</summary>
[Collection(ServerCollection.Name)]
public sealed class OptionsBindingTests
{
    [Fact]
    public async Task TheDefaultsAreEndpointingAndBatchingOn()
    {
        await using var factory = new TranslationServerFactory();
        var sessions = factory.Services.GetRequiredService<SessionFactory>();
        var batches = factory.Services.GetRequiredService<SessionDecoder>().Batches;

        Assert.True(sessions.SegmentsStreams);
        Assert.NotNull(sessions.Endpoint.SileroVad); // the default detector: Silero, from models/vad
        Assert.Equal(EndpointOptions.Default with { SileroVad = sessions.Endpoint.SileroVad }, sessions.Endpoint);
        Assert.Equal(RunawayGuardOptions.Default, sessions.RunawayGuard);
        Assert.NotNull(batches);
        Assert.Equal(new BatchDecodingOptions { MaxBatchSize = 32, MaxWait = TimeSpan.Zero, Workers = Environment.ProcessorCount }, batches.Options);

        using var channel = factory.CreateChannel();
        var info = await factory.CreateClient(channel).GetModelInfoAsync(TestTimeouts.Short).WaitAsync(TestTimeouts.Short);
        Assert.Equal((true, 1200, 20000), (info.Endpointing.Enabled, info.Endpointing.MinTrailingSilenceMs, info.Endpointing.MaxSegmentMs));
    }

    [Fact]
    public async Task ConfiguredValuesAreUsed()
    {
        await using var factory = new TranslationServerFactory(new Dictionary<string, string>
        {
            ["Endpointing:Enabled"] = "false",
            ["Endpointing:Detector"] = "energy",
            ["Endpointing:SpeechThresholdDbfs"] = "-50.5",
            ["Endpointing:NoiseMarginDb"] = "", // empty: no noise margin
            ["Endpointing:NoiseFloorWindowMs"] = "2000",
            ["Endpointing:SpeechRangeDb"] = "30",
            ["Endpointing:PeakDecayDbPerSecond"] = "2.5",
            ["Endpointing:LeadingPaddingMs"] = "100",
            ["Endpointing:TrailingPaddingMs"] = "300",
            ["Endpointing:MinSpeechMs"] = "150",
            ["Endpointing:Rule1MinTrailingSilenceMs"] = "3000",
            ["Endpointing:Rule2MinTrailingSilenceMs"] = "800",
            ["Endpointing:MaxSegmentMs"] = "15000",
            ["Runaway:BaseTokens"] = "5",
            ["Runaway:MaxTokensPerSecond"] = "", // empty: no rate rule
            ["Runaway:MaxNgramRepeats"] = "2",
            ["Runaway:MaxNgramLength"] = "6",
            ["Batching:MaxBatchSize"] = "8",
            ["Batching:MaxWait"] = "00:00:00",
            ["Batching:Workers"] = "3",
        });
        var sessions = factory.Services.GetRequiredService<SessionFactory>();
        var batches = factory.Services.GetRequiredService<SessionDecoder>().Batches;

        Assert.False(sessions.SegmentsStreams);
        Assert.Equal(
            new EndpointOptions
            {
                SpeechThresholdDbfs = -50.5,
                NoiseMarginDb = null,
                NoiseFloorWindowMs = 2000,
                SpeechRangeDb = 30,
                PeakDecayDbPerSecond = 2.5,
                LeadingPaddingMs = 100,
                TrailingPaddingMs = 300,
                MinSpeechMs = 150,
                Rule1MinTrailingSilenceMs = 3000,
                Rule2MinTrailingSilenceMs = 800,
                MaxSegmentMs = 15000,
            },
            sessions.Endpoint);
        Assert.Equal(new RunawayGuardOptions { BaseTokens = 5, MaxTokensPerSecond = null, MaxNgramRepeats = 2, MaxNgramLength = 6 }, sessions.RunawayGuard);
        Assert.Equal(new BatchDecodingOptions { MaxBatchSize = 8, MaxWait = TimeSpan.Zero, Workers = 3 }, batches?.Options);

        using var channel = factory.CreateChannel();
        var info = await factory.CreateClient(channel).GetModelInfoAsync(TestTimeouts.Short).WaitAsync(TestTimeouts.Short);
        Assert.Equal((false, 800, 15000), (info.Endpointing.Enabled, info.Endpointing.MinTrailingSilenceMs, info.Endpointing.MaxSegmentMs));
    }
}
