namespace LeaPformer.Policy;

/// <summary>A simultaneous read/write policy over encoder frames and committed target tokens.</summary>
public interface IReadWritePolicy
{
    /// <param name="framesRead">Encoder frames (40 ms each) fed to cross-attention so far.</param>
    /// <param name="tokensWritten">Target tokens committed so far in this segment.</param>
    /// <param name="sourceDone">True once the whole source of the segment has been read.</param>
    PolicyAction Decide(int framesRead, int tokensWritten, bool sourceDone);
}
