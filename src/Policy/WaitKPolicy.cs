namespace LeaPformer.Policy;

/// <summary>
/// Wait-k with a fixed pre-decision size: target token <c>i</c> (0-based) may be written once
/// <c>(k + i) * P</c> encoder frames have been read, or once the source is done.
/// </summary>
public sealed class WaitKPolicy : IReadWritePolicy
{
    /// <summary>Offline decoding (k = infinity): read the whole source, then write.</summary>
    public const int Offline = -1;

    /// <param name="k">Lagging in source units (k &gt;= 1), or <see cref="Offline"/>.</param>
    /// <param name="preDecision">P, encoder frames per source unit (P &gt;= 1).</param>
    public WaitKPolicy(int k, int preDecision)
    {
        if (k != Offline)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(preDecision, 1);
        K = k;
        PreDecision = preDecision;
    }

    public int K { get; }

    public int PreDecision { get; }

    public bool IsOffline => K == Offline;

    /// <summary>Encoder frames that must have been read before token <paramref name="tokenIndex"/> may be written.</summary>
    /// <remarks>long: (k + i) * P overflows int for long segments with large k.</remarks>
    public long FramesNeeded(int tokenIndex) =>
        IsOffline ? long.MaxValue : ((long)K + tokenIndex) * PreDecision;

    public PolicyAction Decide(int framesRead, int tokensWritten, bool sourceDone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(framesRead);
        ArgumentOutOfRangeException.ThrowIfNegative(tokensWritten);
        if (sourceDone)
        {
            return PolicyAction.Write;
        }

        return framesRead >= FramesNeeded(tokensWritten) ? PolicyAction.Write : PolicyAction.Read;
    }

    public override string ToString() => IsOffline ? $"offline (P={PreDecision})" : $"wait-{K} (P={PreDecision})";
}
