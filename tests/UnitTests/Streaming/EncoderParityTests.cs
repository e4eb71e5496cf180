using LeaPformer.Streaming.Decoding;
using LeaPformer.Streaming.FrontEnd;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

[Collection(BundleCollection.Name)]
public sealed class EncoderParityTests(BundleFixture fixture)
{
    [Fact]
    public void Streamed_encoder_frames_match_pytorch_for_every_golden_wav()
    {
        var meta = fixture.Bundle.Metadata;
        foreach (var golden in fixture.Goldens)
        {
            var frontEnd = new AudioFrontEnd(16000, fixture.Bundle.Cmvn);
            frontEnd.Accept(golden.Samples);
            frontEnd.Finish();
            var features = frontEnd.Features;
            int used = features.Count / meta.Subsampling * meta.Subsampling;

            using var model = new ModelStepper(fixture.Bundle);
            var frames = new List<float[]>();
            for (int start = 0; start < used; start += meta.FeatureFramesPerUnit)
            {
                int count = Math.Min(meta.FeatureFramesPerUnit, used - start);
                var output = model.EncodeAndRead(features.Peek(count), count);
                features.Consume(count);
                for (int f = 0; f < count / meta.Subsampling; f++)
                {
                    frames.Add(output.Slice(f * meta.DModel, meta.DModel).ToArray());
                }
            }

            FbankTests.AssertClose(golden.EncoderFrames, frames, golden.Name);
        }
    }
}
