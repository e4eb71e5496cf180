using LeaPformer.Policy;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;

namespace LeaPformer.UnitTests.Streaming;

/// <summary>The docs/bundle.md decoding loop against a scripted decoder, without a model.</summary>
public sealed class WaitKLoopTests
{
    private const int Bos = 2;
    private const int Eos = 3;
    private static readonly WaitKLoop.Settings Settings = new(Bos, Eos, FrameMs: 40, MaxTokensBase: 10, MaxTokensPerFrame: 0.5);

    [Fact]
    public void Wait_k_writes_one_token_per_unit_after_k_units()
    {
        var model = new ScriptedDecoder(pos => 10 + pos);
        var decoder = new DrivenLoop(model, new WaitKPolicy(2, 7), Settings);

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
        var decoder = new DrivenLoop(model, new WaitKPolicy(1, 1), Settings);

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
        var decoder = new DrivenLoop(model, new WaitKPolicy(1, 1), Settings with { MaxTokensBase = 2, MaxTokensPerFrame = 0.5 });

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
        var decoder = new DrivenLoop(model, new WaitKPolicy(WaitKPolicy.Offline, 7), Settings);
        Assert.Equal(0, decoder.OnFramesRead(7));
        Assert.Equal(0, decoder.OnFramesRead(3));
        Assert.Equal(0, model.Calls);
        Assert.Equal(4, decoder.OnSourceDone(400));
        Assert.Equal([400.0, 400.0, 400.0, 400.0], decoder.DelaysMs);
    }

    [Fact]
    public void Nothing_more_is_read_after_the_source_is_done()
    {
        var decoder = new DrivenLoop(new ScriptedDecoder(_ => Eos), new WaitKPolicy(1, 1), Settings);
        decoder.OnSourceDone(0);
        Assert.Empty(decoder.Tokens);
        Assert.Throws<InvalidOperationException>(() => decoder.OnFramesRead(1));
    }

    [Fact]
    public void The_resumable_loop_asks_for_the_same_steps_as_the_synchronous_one()
    {
        var model = new ScriptedDecoder(_ => 99); // only counts commits; steps are answered below
        var decoder = new DrivenLoop(model, new WaitKPolicy(1, 7), Settings);
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

    [Theory]
    [InlineData(new[] { 50, 70, 70, 70, 70, 80 }, 4)] // a fourth "70" is refused
    [InlineData(new[] { 11, 12, 11, 12, 11, 12, 11, 12, 90 }, 7)] // the "12" that would complete a fourth "11 12"
    [InlineData(new[] { 40, 11, 12, 13, 11, 12, 13, 11, 12, 13, 11, 12, 13 }, 12)] // trigram
    [InlineData(new[] { 60, 11, 12, 13, 14, 11, 12, 13, 14, 11, 12, 13, 14, 11, 12, 13, 14 }, 16)] // 4-gram, the longest looked for
    public void The_repetition_rule_refuses_the_token_that_completes_one_copy_too_many(int[] script, int committed)
    {
        var model = new ScriptedDecoder(pos => pos < script.Length ? script[pos] : Eos);
        var guard = RunawayGuardOptions.Default with { MaxTokensPerSecond = null }; // at most 3 copies in a row
        var decoder = new DrivenLoop(model, new WaitKPolicy(1, 1), Settings with { Guard = guard, MaxTokensBase = 100 });

        for (int i = 0; i < script.Length && !decoder.Ended; i++)
        {
            decoder.OnFramesRead(1);
        }

        Assert.True(decoder.Ended);
        Assert.False(decoder.SourceDone); // it ends the segment before its source does
        Assert.Equal(SegmentEndReason.Repetition, decoder.StopReason);
        Assert.Equal(script.Take(committed), decoder.Tokens);
        Assert.Equal(committed, model.Commits); // the refused step's states were not kept
        Assert.False(decoder.TryGetStep(out _, out _));

        decoder.Reset();
        Assert.Equal(SegmentEndReason.None, decoder.StopReason);
    }

    [Fact]
    public void Three_copies_stand_and_a_longer_ngram_than_looked_for_is_not_seen()
    {
        int[] script = [90, 70, 70, 70, 80, 11, 12, 13, 14, 15, 11, 12, 13, 14, 15, 11, 12, 13, 14, 15, 11, 12, 13, 14, 15];
        var model = new ScriptedDecoder(pos => pos < script.Length ? script[pos] : Eos);
        var guard = RunawayGuardOptions.Default with { MaxTokensPerSecond = null };
        var decoder = new DrivenLoop(model, new WaitKPolicy(1, 1), Settings with { Guard = guard, MaxTokensBase = 100 });

        decoder.OnFramesRead(script.Length);
        decoder.OnSourceDone(script.Length * 40);

        Assert.Equal(script, decoder.Tokens); // "no no no" stands; a 5-gram four times is not looked for
        Assert.Equal(SegmentEndReason.None, decoder.StopReason);
    }

    [Fact]
    public void The_rate_rule_ends_a_segment_that_writes_faster_than_allowed_while_reading()
    {
        var model = new ScriptedDecoder(_ => 42); // never says EOS
        var guard = new RunawayGuardOptions { BaseTokens = 2, MaxTokensPerSecond = 5, MaxNgramRepeats = null };
        var decoder = new DrivenLoop(model, new WaitKPolicy(1, 1), Settings with { Guard = guard, MaxTokensBase = 100 });

        // Wait-1 with 40 ms units allows a token a frame (25 a second); the guard allows 2 + 5 per second:
        // 3 tokens need 0.2 s, i.e. 5 frames.
        decoder.OnFramesRead(1);
        decoder.OnFramesRead(1);
        Assert.Equal(2, decoder.Tokens.Count);
        Assert.False(decoder.Ended);
        decoder.OnFramesRead(1); // 0.12 s: 2 + 0.6 < 3
        Assert.Equal(2, decoder.Tokens.Count);
        Assert.True(decoder.Ended);
        Assert.Equal(SegmentEndReason.RunawayTokens, decoder.StopReason);
        Assert.Equal(2, model.Commits);
    }

    [Fact]
    public void The_rate_rule_bounds_the_tail_written_after_the_source()
    {
        var model = new ScriptedDecoder(_ => 42);
        var guard = new RunawayGuardOptions { BaseTokens = 3, MaxTokensPerSecond = 2.5, MaxNgramRepeats = null };
        var decoder = new DrivenLoop(model, new WaitKPolicy(WaitKPolicy.Offline, 7), Settings with { Guard = guard });

        decoder.OnFramesRead(25); // 1 s; the bundle's limit would allow 10 + 12 tokens
        decoder.OnSourceDone(1000);

        Assert.Equal(5, decoder.Tokens.Count); // floor(3 + 2.5 * 1)
        Assert.Equal(SegmentEndReason.RunawayTokens, decoder.StopReason);
        Assert.True(decoder.Ended);
    }

    [Fact]
    public void Without_the_guard_the_bundle_limit_alone_stops_a_decoder_that_never_says_eos()
    {
        var model = new ScriptedDecoder(_ => 42);
        var decoder = new DrivenLoop(model, new WaitKPolicy(WaitKPolicy.Offline, 7), Settings with { Guard = RunawayGuardOptions.Disabled });

        decoder.OnFramesRead(25);
        decoder.OnSourceDone(1000);

        Assert.Equal(22, decoder.Tokens.Count); // 10 + floor(0.5 * 25)
        Assert.Equal(SegmentEndReason.None, decoder.StopReason);
    }

    private sealed class ScriptedDecoder(Func<int, int, int> next)
    {
        public ScriptedDecoder(Func<int, int> next)
            : this((pos, _) => next(pos))
        {
        }

        public int Calls { get; private set; }

        /// <summary>Steps whose new states were kept (their token was committed).</summary>
        public int Commits { get; set; }

        public List<int> Previous { get; } = [];

        public int DecodeStep(int previous, int pos)
        {
            Previous.Add(previous);
            return next(pos, Calls++);
        }
    }

    /// <summary>
    /// The loop as the stepper drives it: each decoder step it asks for is run on the scripted decoder
    /// and its states are kept exactly when the loop commits the token.
    /// </summary>
    private sealed class DrivenLoop(ScriptedDecoder model, IReadWritePolicy policy, WaitKLoop.Settings settings)
    {
        private readonly WaitKLoop _loop = new(policy, settings);

        public IReadOnlyList<int> Tokens => _loop.Tokens;

        public IReadOnlyList<double> DelaysMs => _loop.DelaysMs;

        public int FramesRead => _loop.FramesRead;

        public bool SourceDone => _loop.SourceDone;

        public bool Ended => _loop.Ended;

        public SegmentEndReason StopReason => _loop.StopReason;

        /// <summary>Frames were read; runs every step the policy now allows. Returns the tokens committed.</summary>
        public int OnFramesRead(int encoderFrames)
        {
            _loop.AddFrames(encoderFrames);
            return WriteAll();
        }

        /// <summary>The source is done; runs to the end of the segment. Returns the tokens committed.</summary>
        public int OnSourceDone(double sourceMs)
        {
            _loop.MarkSourceDone(sourceMs);
            return WriteAll();
        }

        public void AddFrames(int encoderFrames) => _loop.AddFrames(encoderFrames);

        public void MarkSourceDone(double sourceMs) => _loop.MarkSourceDone(sourceMs);

        public bool TryGetStep(out int previous, out int pos) => _loop.TryGetStep(out previous, out pos);

        public bool OnStepResult(int token)
        {
            bool committed = _loop.OnStepResult(token);
            if (committed)
            {
                model.Commits++;
            }

            return committed;
        }

        public void Reset() => _loop.Reset();

        private int WriteAll()
        {
            int written = 0;
            while (TryGetStep(out int previous, out int pos))
            {
                if (OnStepResult(model.DecodeStep(previous, pos)))
                {
                    written++;
                }
            }

            return written;
        }
    }
}
