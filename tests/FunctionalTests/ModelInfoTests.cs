using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

public sealed class ModelInfoTests(SharedServer server) : ServerTest(server)
{
    [Fact]
    public async Task ModelInfoDescribesTheLoadedBundle()
    {
        var info = await Client.GetModelInfoAsync(TestTimeouts.Short).WaitAsync(TestTimeouts.Short);

        var m = Server.Model.Metadata;
        Assert.Equal("leapformer-s2t", info.ModelType);
        Assert.Equal(m.ModelName, info.ModelName);
        Assert.Equal(m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), info.ModelVersion);
        Assert.Equal(m.Attention, info.Attention);
        Assert.Equal(("en", "es"), (info.SourceLanguageCode, info.TargetLanguageCode));
        Assert.Equal(16000, info.SampleRateHertz);
        Assert.Equal((m.DefaultK, m.KMin, m.KMax), (info.DefaultWaitK, info.MinWaitK, info.MaxWaitK));
        Assert.InRange(info.DefaultWaitK, info.MinWaitK, info.MaxWaitK);
        Assert.Equal(m.PreDecision * m.FrameMs, info.SourceUnitMs);
        Assert.Equal(m.VocabSize, info.VocabSize);
    }
}
