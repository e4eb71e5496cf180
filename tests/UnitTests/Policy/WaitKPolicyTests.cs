using LeaPformer.Policy;

namespace LeaPformer.UnitTests.Policy;

public sealed class WaitKPolicyTests
{
    [Theory]
    // k = 3, P = 7: token i needs (3 + i) * 7 encoder frames.
    [InlineData(3, 7, 20, 0, PolicyAction.Read)]
    [InlineData(3, 7, 21, 0, PolicyAction.Write)]
    [InlineData(3, 7, 27, 1, PolicyAction.Read)]
    [InlineData(3, 7, 28, 1, PolicyAction.Write)]
    [InlineData(3, 7, 100, 11, PolicyAction.Write)]
    [InlineData(3, 7, 100, 12, PolicyAction.Read)]
    // k = 1, P = 1: plain wait-1 over frames.
    [InlineData(1, 1, 0, 0, PolicyAction.Read)]
    [InlineData(1, 1, 1, 0, PolicyAction.Write)]
    [InlineData(1, 1, 5, 4, PolicyAction.Write)]
    [InlineData(1, 1, 5, 5, PolicyAction.Read)]
    public void Token_i_is_written_once_k_plus_i_units_are_read(int k, int p, int framesRead, int tokens, PolicyAction expected)
    {
        Assert.Equal(expected, new WaitKPolicy(k, p).Decide(framesRead, tokens, sourceDone: false));
    }

    [Fact]
    public void Source_done_always_writes()
    {
        var policy = new WaitKPolicy(5, 7);
        Assert.Equal(PolicyAction.Write, policy.Decide(0, 0, sourceDone: true));
        Assert.Equal(PolicyAction.Write, policy.Decide(3, 50, sourceDone: true));
    }

    [Fact]
    public void Offline_reads_everything_first()
    {
        var policy = new WaitKPolicy(WaitKPolicy.Offline, 7);
        Assert.True(policy.IsOffline);
        Assert.Equal(PolicyAction.Read, policy.Decide(int.MaxValue, 0, sourceDone: false));
        Assert.Equal(PolicyAction.Write, policy.Decide(10, 0, sourceDone: true));
    }

    [Fact]
    public void Large_k_and_token_counts_do_not_overflow()
    {
        var policy = new WaitKPolicy(int.MaxValue / 2, 1000);
        Assert.Equal(PolicyAction.Read, policy.Decide(int.MaxValue, int.MaxValue / 2, sourceDone: false));
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(-2, 7)]
    [InlineData(3, 0)]
    public void Invalid_arguments_are_rejected(int k, int p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaitKPolicy(k, p));
    }

    [Fact]
    public void Negative_counts_are_rejected()
    {
        var policy = new WaitKPolicy(3, 7);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Decide(-1, 0, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Decide(0, -1, false));
    }
}
