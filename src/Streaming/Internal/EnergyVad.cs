namespace LeaPformer.Streaming.Internal;

/// <summary>
/// Energy voice activity for one 10 ms frame at a time: speech when the frame's level reaches the
/// fixed threshold and, when a noise margin is set, that margin above the noise floor. The floor is
/// the quietest frame of the last few 500 ms blocks (minimum statistics), so it follows a noisy room
/// without being dragged up by speech, which always has quieter gaps within a few seconds.
/// </summary>
internal sealed class EnergyVad
{
    public const int BlockFrames = 50; // 500 ms of 10 ms frames

    // Digital silence would be -inf dB; everything quieter than this is the same silence.
    private const double MinLevelDbfs = -120;

    private readonly double _threshold;
    private readonly double? _margin;
    private readonly double[] _blockMins;
    private int _block;
    private int _inBlock;
    private double _currentMin = double.PositiveInfinity;

    public EnergyVad(EndpointOptions options)
    {
        _threshold = options.SpeechThresholdDbfs;
        _margin = options.NoiseMarginDb;
        _blockMins = new double[Math.Max(1, options.NoiseFloorWindowMs / (BlockFrames * 10))];

        // Until real blocks replace them, the floor sits where the margin gives exactly the fixed threshold.
        Array.Fill(_blockMins, _threshold - (_margin ?? 0));
    }

    /// <summary>The current noise floor in dBFS (the quietest frame of the window).</summary>
    public double NoiseFloorDbfs
    {
        get
        {
            double floor = _currentMin;
            foreach (double m in _blockMins)
            {
                floor = Math.Min(floor, m);
            }

            return floor;
        }
    }

    /// <summary>RMS level in dBFS of samples in [-1, 1] (0 dB = a full-scale square wave), at least -120.</summary>
    public static double LevelDbfs(ReadOnlySpan<float> frame)
    {
        if (frame.IsEmpty)
        {
            return MinLevelDbfs;
        }

        double sum = 0;
        foreach (float x in frame)
        {
            sum += (double)x * x;
        }

        return Math.Max(MinLevelDbfs, 10 * Math.Log10(sum / frame.Length));
    }

    /// <summary>Classifies the next frame against the floor of the frames before it, then adds it to the floor.</summary>
    public bool IsSpeech(ReadOnlySpan<float> frame)
    {
        double level = LevelDbfs(frame);
        bool speech = level >= _threshold && (_margin is not { } margin || level >= NoiseFloorDbfs + margin);
        _currentMin = Math.Min(_currentMin, level);
        if (++_inBlock == BlockFrames)
        {
            _blockMins[_block] = _currentMin;
            _block = (_block + 1) % _blockMins.Length;
            _inBlock = 0;
            _currentMin = double.PositiveInfinity;
        }

        return speech;
    }
}
