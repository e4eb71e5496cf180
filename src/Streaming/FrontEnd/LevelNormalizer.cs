namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// One stream's peak level tracker (<c>"level_norm": "peak"</c>, docs/bundle.md "Front end"): for each raw
/// log-mel row, <c>level = mean of its bins</c>, <c>peak = level</c> on a segment's first row and
/// <c>max(peak - decay, level)</c> after, then <c>row -= peak</c>. A gain g of the audio adds 2 ln g to
/// every bin and to the peak alike, so it cancels. Frame by frame and causal, so the result does not
/// depend on how the audio was chunked; double precision, as PyTorch's float64 form of the same recurrence.
/// </summary>
internal sealed class LevelNormalizer(double decay)
{
    private double _peak;
    private bool _started;

    /// <summary>Nats per 10 ms frame the peak may fall (0.005: 2.2 dB a second in a pause).</summary>
    public double Decay { get; } = decay;

    /// <summary>Forgets the peak, so the next row is the first of a segment (as a new stream's first row is).</summary>
    public void Reset() => _started = false;

    /// <summary>Levels one raw fbank row in place.</summary>
    public void Apply(Span<float> row)
    {
        double sum = 0;
        foreach (float v in row)
        {
            sum += v;
        }

        double level = sum / row.Length;
        _peak = _started ? Math.Max(_peak - Decay, level) : level;
        _started = true;
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (float)(row[i] - _peak);
        }
    }
}
