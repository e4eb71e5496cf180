using LeaPformer.Policy;
using LeaPformer.Streaming.Internal;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>The docs/bundle.md decoding loop against a scripted decoder, without a model.</summary>
public sealed class WaitKDecoderTests
{
    private const int Bos = 2;
    private const int Eos = 3;
    private static readonly WaitKDecoder.Settings Settings = new(Bos, Eos, FrameMs: 40, MaxTokensBase: 10, MaxTokensPerFrame: 0.5);

    [Fact]
    public void Wait_k_writes_one_token_per_unit_after_k_units()
    {
        var model = new ScriptedDecoder(pos => 10 + pos);
        var decoder = new WaitKDecoder(model, new WaitKPolicy(2, 7), Settings);

        Assert.Equal(0, decoder.OnFramesRead(7));
        Assert.Equal(1, decoder.OnFramesRead(7)); // 14 frames >= (2 + 0) * 7
        Assert.Equal(1, decoder.OnFramesRead(7));
        Assert.Equal([10, 11], decoder.Tokens);
        Assert.Equal([560.0, 840.0], decoder.DelaysMs); // frames read * 40 ms
    }

    [Fact]
    public void Eos_before_the_source_ends_reads_and_drops_the_step_states()
    {
        // Says EOS for token 1 while streaming, then token 1 = 21 once the source is done.
        var model = new ScriptedDecoder((pos, calls) => pos == 1 && calls < 3 ? Eos : pos < 3 ? 20 + pos : Eos);
        var decoder = new WaitKDecoder(model, new WaitKPolicy(1, 1), Settings);

        Assert.Equal(1, decoder.OnFramesRead(1)); // token 0
        Assert.Equal(0, decoder.OnFramesRead(1)); // EOS at pos 1 = READ
        Assert.False(decoder.Ended);
        Assert.Equal(1, model.Commits);
        Assert.Equal(0, decoder.OnFramesRead(1)); // EOS again: still READ

        Assert.Equal(2, decoder.OnSourceDone(125.5));
        Assert.True(decoder.Ended);
        Assert.Equal([20, 21, 22], decoder.Tokens);
        Assert.Equal([40.0, 125.5, 125.5], decoder.DelaysMs);
        Assert.Equal(3, model.Commits); // the EOS steps were never committed
        Assert.Equal(Bos, model.Previous[0]);
        Assert.Equal(20, model.Previous[1]); // the discarded EOS step does not change "previous"
    }

    [Fact]
    public void The_token_limit_grows_with_frames_read()
    {
        var model = new ScriptedDecoder(_ => 42); // never says EOS
        var decoder = new WaitKDecoder(model, new WaitKPolicy(1, 1), Settings with { MaxTokensBase = 2, MaxTokensPerFrame = 0.5 });

        decoder.OnFramesRead(1); // limit 2 + floor(0.5) = 2; wait-1 allows 1
        Assert.Single(decoder.Tokens);
        decoder.OnSourceDone(80); // limit 2 + floor(0.5 * 1) = 2
        Assert.Equal(2, decoder.Tokens.Count);
        Assert.True(decoder.Ended);
    }

    [Fact]
    public void Offline_writes_only_after_the_source_is_done()
    {
        var model = new ScriptedDecoder(pos => pos < 4 ? 30 + pos : Eos);
        var decoder = new WaitKDecoder(model, new WaitKPolicy(WaitKPolicy.Offline, 7), Settings);
        Assert.Equal(0, decoder.OnFramesRead(7));
        Assert.Equal(0, decoder.OnFramesRead(3));
        Assert.Equal(0, model.Calls);
        Assert.Equal(4, decoder.OnSourceDone(400));
        Assert.Equal([400.0, 400.0, 400.0, 400.0], decoder.DelaysMs);
    }

    [Fact]
    public void Nothing_more_is_read_after_the_source_is_done()
    {
        var decoder = new WaitKDecoder(new ScriptedDecoder(_ => Eos), new WaitKPolicy(1, 1), Settings);
        decoder.OnSourceDone(0);
        Assert.Empty(decoder.Tokens);
        Assert.Throws<InvalidOperationException>(() => decoder.OnFramesRead(1));
    }

    [Fact]
    public void The_resumable_loop_asks_for_the_same_steps_as_the_synchronous_one()
    {
        var model = new ScriptedDecoder(_ => 99); // only counts commits; steps are answered below
        var decoder = new WaitKDecoder(model, new WaitKPolicy(1, 7), Settings);
        Assert.False(decoder.TryGetStep(out _, out _)); // nothing read yet
        decoder.AddFrames(7);
        Assert.True(decoder.TryGetStep(out int previous, out int pos));
        Assert.Equal((Bos, 0), (previous, pos));
        Assert.True(decoder.OnStepResult(50));
        Assert.False(decoder.TryGetStep(out _, out _)); // wait-1 needs 14 frames for token 1
        decoder.AddFrames(7);
        Assert.True(decoder.TryGetStep(out previous, out pos));
        Assert.Equal((50, 1), (previous, pos));
        Assert.False(decoder.OnStepResult(Eos)); // EOS while streaming = READ...
        Assert.False(decoder.TryGetStep(out _, out _)); // ...until more frames or the source end
        decoder.MarkSourceDone(600);
        Assert.True(decoder.TryGetStep(out previous, out pos));
        Assert.Equal((50, 1), (previous, pos));
        Assert.False(decoder.OnStepResult(Eos));
        Assert.True(decoder.Ended);
        Assert.Equal(1, model.Commits);

        decoder.Reset();
        Assert.Empty(decoder.Tokens);
        Assert.False(decoder.SourceDone || decoder.Ended);
        Assert.Equal(0, decoder.FramesRead);
    }

    private sealed class ScriptedDecoder(Func<int, int, int> next) : IDecoderSteps
    {
        public ScriptedDecoder(Func<int, int> next)
            : this((pos, _) => next(pos))
        {
        }

        public int Calls { get; private set; }

        public int Commits { get; private set; }

        public List<int> Previous { get; } = [];

        public int DecodeStep(int previous, int pos)
        {
            Previous.Add(previous);
            return next(pos, Calls++);
        }

        public void CommitDecoderStep() => Commits++;
    }
}
