using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>The per-step hot paths allocate nothing once warm (bindings and tensors are made on first use).</summary>
[Collection(BundleCollection.Name)]
public sealed class AllocationTests(BundleFixture fixture)
{
    [Fact]
    public void Encoder_and_decoder_steps_of_one_stream_allocate_nothing()
    {
        var meta = fixture.Bundle.Metadata;
        using var model = new ModelStepper(fixture.Bundle);
        var features = new float[meta.FeatureFramesPerUnit * meta.FeatureDim];
        // The same steps as measured below, so every (decoder, cross) buffer parity has its binding.
        for (int i = 0; i < 4; i++)
        {
            model.EncodeAndRead(features, meta.FeatureFramesPerUnit);
            model.DecodeStep(meta.BosId, i);
            model.CommitDecoderStep();
            model.DecodeStep(meta.BosId, i);
            model.EncodeAndRead(features, meta.FeatureFramesPerUnit);
            model.DecodeStep(meta.BosId, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            model.EncodeAndRead(features, meta.FeatureFramesPerUnit);
            model.DecodeStep(meta.BosId, i);
            model.CommitDecoderStep();
            model.DecodeStep(meta.BosId, i); // a discarded (EOS-like) step
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Batched_steps_allocate_nothing()
    {
        using var translator = new TranslationEngine(fixture.Bundle);
        var sessions = Enumerable.Range(0, 8).Select(_ => translator.CreateSession(new TranslationSessionOptions(WaitK: 3))).ToList();
        try
        {
            var updates = new List<SegmentUpdate>();
            foreach (var s in sessions)
            {
                s.AcceptWaveform(fixture.Goldens[0].Samples);
                Assert.Equal(TranslationSession.Step.EncoderUnit, s.Advance(updates));
            }

            using var stacked = new StackedSteps(fixture.Bundle, 8);
            for (int i = 0; i < 3; i++)
            {
                stacked.RunEncoders(sessions, 0, 8);
                stacked.RunDecoders(sessions, 0, 8);
                stacked.RunDecoders(sessions, 0, 5);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                stacked.RunEncoders(sessions, 0, 8);
                stacked.RunDecoders(sessions, 0, 8);
                stacked.RunDecoders(sessions, 0, 5);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }
}
