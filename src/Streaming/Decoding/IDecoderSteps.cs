namespace LeaPformer.Streaming.Decoding;

/// <summary>The decoder as the wait-k loop sees it; a seam so the algorithm can be tested without a model.</summary>
internal interface IDecoderSteps
{
    /// <summary>Predicts token <paramref name="pos"/> after <paramref name="previous"/>; new states stay pending.</summary>
    int DecodeStep(int previous, int pos);

    /// <summary>Keeps the pending states of the last step (the token was committed).</summary>
    void CommitDecoderStep();
}
