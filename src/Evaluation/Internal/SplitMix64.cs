namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014), the seeded generator of the bootstrap draws. Not
/// <see cref="Random"/>: .NET does not promise a seeded <see cref="Random"/> the same sequence across
/// versions, and published intervals and p-values must be reproducible from their seed.
/// </summary>
internal sealed class SplitMix64(long seed)
{
    private ulong _state = unchecked((ulong)seed);

    public ulong Next()
    {
        unchecked
        {
            ulong z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="count"/>), without modulo bias (Lemire 2019, multiply and reject).</summary>
    public int NextIndex(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        uint n = (uint)count;
        ulong product = (Next() >> 32) * n;
        if ((uint)product < n)
        {
            // 2^32 mod n: the low products below it belong to an incomplete last interval.
            uint threshold = unchecked(0u - n) % n;
            while ((uint)product < threshold)
            {
                product = (Next() >> 32) * n;
            }
        }

        return (int)(product >> 32);
    }
}
