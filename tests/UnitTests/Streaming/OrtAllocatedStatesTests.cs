using LeaPformer.Policy;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Onnx;
using LeaPformer.UnitTests.Support;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>
/// The path for growing states (the softmax baseline's T_cache), where ORT allocates every new state,
/// exercised on the LeaP bundle so it is tested even without a softmax bundle.
/// </summary>
[Collection(BundleCollection.Name)]
public sealed class OrtAllocatedStatesTests(BundleFixture fixture)
{
    [Fact]
    public void Ort_allocated_states_decode_like_preallocated_ones()
    {
        var meta = fixture.Bundle.Metadata;
        foreach (var golden in fixture.Goldens)
        {
            var expected = golden.Decodes.Single(d => d.K == 3);
            using var session = new TranslationSession(fixture.Bundle, new WaitKPolicy(3, meta.PreDecision), 16000, preallocateStates: false);
            session.AcceptLinear16(golden.Pcm);
            session.InputFinished();
            session.Decode([]);
            Assert.Equal(expected.Tokens, session.TokenIds);
            Assert.Equal(expected.DelaysMs, session.DelaysMs);
        }
    }

    [Fact]
    public void Symbolic_cache_axes_start_empty()
    {
        // enc_k_0 (N, H, T_cache, dk) of the softmax baseline: N -> batch 1, T_cache -> 0.
        var spec = new StateSpec("enc_k_0", "new_enc_k_0", [-1, 4, -1, 32]);
        Assert.False(spec.IsFixedSize);
        Assert.Equal([1L, 4, 0, 32], spec.InitialShape(1));
        using var states = new StateSet([spec], fixedSize: false);
        Assert.Equal([1L, 4, 0, 32], states.Current(0).GetTensorTypeAndShape().Shape);
        Assert.Equal(0, states.ElementCount());
    }

    [Fact]
    public void Fixed_states_start_at_zero_with_the_batch_axis_set()
    {
        var spec = new StateSpec("enc_z_0", "new_enc_z_0", [-1, 4, 64]);
        Assert.True(spec.IsFixedSize);
        using var states = new StateSet([spec], fixedSize: true, batch: 2);
        Assert.Equal([2L, 4, 64], states.Current(0).GetTensorTypeAndShape().Shape);
        Assert.All(states.Current(0).GetTensorDataAsSpan<float>().ToArray(), v => Assert.Equal(0f, v));
    }
}
