namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Energy voice activity for one 10 ms frame at a time, relative to the stream's own levels: speech when
/// the frame is a margin above the noise floor and within a range of the speech peak (and above a fixed
/// threshold just over digital silence). A gain on the whole stream shifts the frame, the floor and the
/// peak alike, so the decisions do not depend on how loud the microphone is.
/// </summary>
/// <remarks>
/// The floor is the quietest frame of the last few 500 ms blocks (minimum statistics), so it follows a
/// noisy room without being dragged up by speech, which always has quieter gaps within a few seconds.
/// Before the first frame nothing is known, so the first frame is never speech; from then on the floor is
/// the quietest frame heard so far, and steady noise never clears the margin above itself.
/// The peak is the loudest speech frame, falling a little every frame; it keeps the breaths, room tone
/// and reverberation that follow loud speech out of it, which a floor set by a quieter stretch would let in.
/// </remarks>
internal sealed class EnergyVad : ISpeechDetector
{
    public const int BlockFrames = 50; // 500 ms of 10 ms frames

    private const double FramesPerSecond = 100;

    // Digital silence would be -inf dB; everything quieter than this is the same silence.
    private const double MinLevelDbfs = -120;

    private readonly double _threshold;
    private readonly double? _margin;
    private readonly double? _range;
    private readonly double _peakDecay; // dB per 10 ms frame
    private readonly double[] _blockMins;
    private int _block;
    private int _inBlock;
    private double _currentMin = double.PositiveInfinity;
    private double _peak = double.NegativeInfinity;

    public EnergyVad(EndpointOptions options)
    {
        _threshold = options.SpeechThresholdDbfs;
        _margin = options.NoiseMarginDb;
        _range = options.SpeechRangeDb;
        _peakDecay = options.PeakDecayDbPerSecond / FramesPerSecond;
        _blockMins = new double[Math.Max(1, options.NoiseFloorWindowMs / (BlockFrames * 10))];
        Array.Fill(_blockMins, double.PositiveInfinity); // no block heard yet
    }

    /// <summary>The current noise floor in dBFS (the quietest frame of the window); +inf before the first frame.</summary>
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

    /// <summary>The remembered speech peak in dBFS after its decay; -inf before the first speech frame.</summary>
    public double SpeechPeakDbfs => _peak;

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

    /// <summary>Classifies the next frame against the floor and peak of the frames before it, then adds it to both.</summary>
    public bool IsSpeech(ReadOnlySpan<float> frame)
    {
        double level = LevelDbfs(frame);
        bool speech = level >= _threshold
            && (_margin is not { } margin
                || (level >= NoiseFloorDbfs + margin && (_range is not { } range || level >= _peak - range)));
        if (speech)
        {
            _peak = Math.Max(_peak, level);
        }

        _peak -= _peakDecay;
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

    public void Dispose()
    {
        // Nothing but managed arrays.
    }
}
