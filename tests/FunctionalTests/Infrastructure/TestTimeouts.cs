namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Every await in these tests is bounded; generous because CI has 2 shared cores.</summary>
public static class TestTimeouts
{
    /// <summary>One whole stream of a few seconds of audio, sent fast or at real-time pace.</summary>
    public static readonly TimeSpan Stream = TimeSpan.FromSeconds(60);

    /// <summary>One unary call or one state change on the server.</summary>
    public static readonly TimeSpan Short = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}
