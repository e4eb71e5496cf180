namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Streaming log-mel filterbank equal to
/// <c>torchaudio.compliance.kaldi.fbank(wave * 32768, num_mel_bins=80, frame_length=25, frame_shift=10,
/// dither=0, energy_floor=0, sample_frequency=16000)</c> (docs/bundle.md, "Front end"): povey window,
/// pre-emphasis 0.97, per-frame DC removal, 512-point power spectrum, Kaldi mel bins 20 Hz..Nyquist,
/// log with a float-epsilon floor, snip_edges. Frames come out as soon as their 25 ms window is
/// complete, so the result does not depend on how the audio was chunked.
/// </summary>
/// <remarks>Computed in double precision (torch uses float32); the difference stays far under 1e-3.</remarks>
internal sealed class KaldiFbank
{
    public const int SampleRate = 16000;
    public const int WindowSize = 400; // 25 ms at 16 kHz
    public const int WindowShift = 160; // 10 ms at 16 kHz
    public const int FftSize = 512; // WindowSize rounded up to a power of two
    public const double Preemphasis = 0.97;

    // Kaldi works on the int16 range; samples in [-1, 1] are scaled up first.
    private const double InputScale = 32768.0;

    // numeric_limits<float>::epsilon(), the floor before the log.
    private const double LogFloor = 1.1920928955078125e-07;

    private readonly double[] _window = PoveyWindow(WindowSize);
    private readonly Fft _fft = new(FftSize);
    private readonly MelFilterBank _mel;
    private readonly double[] _re = new double[FftSize];
    private readonly double[] _im = new double[FftSize];
    private readonly double[] _power = new double[(FftSize / 2) + 1];
    private readonly double[] _energies;

    // Samples not yet consumed: the next frame starts at _pending[0]. Holds at most one window plus one chunk.
    private double[] _pending = new double[WindowSize * 4];
    private int _pendingCount;

    public KaldiFbank(int numMelBins = 80)
    {
        _mel = new MelFilterBank(numMelBins, FftSize, SampleRate, lowFreq: 20.0, highFreq: 0.0);
        _energies = new double[numMelBins];
    }

    public int Dim => _mel.NumBins;

    /// <summary>Frames produced so far.</summary>
    public long FramesComputed { get; private set; }

    /// <summary>Number of frames <paramref name="numSamples"/> samples give: 1 + (N - 400) / 160, or 0 under one window.</summary>
    public static long FrameCount(long numSamples) => numSamples < WindowSize ? 0 : 1 + ((numSamples - WindowSize) / WindowShift);

    /// <summary>Forgets the samples of an unfinished window: the next sample starts a new frame grid (a new segment).</summary>
    public void Reset() => _pendingCount = 0;

    /// <summary>Adds 16 kHz samples in [-1, 1] and appends every frame that became complete to <paramref name="output"/>.</summary>
    /// <returns>How many frames were appended.</returns>
    public int Accept(ReadOnlySpan<float> samples, FeatureQueue output)
    {
        int produced = 0;
        while (!samples.IsEmpty)
        {
            // Feed in pieces that fit the buffer so it never grows beyond a few windows.
            int room = _pending.Length - _pendingCount;
            int take = Math.Min(room, samples.Length);
            var dst = _pending.AsSpan(_pendingCount, take);
            for (int i = 0; i < take; i++)
            {
                dst[i] = samples[i] * InputScale;
            }

            _pendingCount += take;
            samples = samples[take..];

            int start = 0;
            while (_pendingCount - start >= WindowSize)
            {
                ComputeFrame(_pending.AsSpan(start, WindowSize), output.AppendRow());
                start += WindowShift;
                produced++;
            }

            // Keep what the next frame needs at the front.
            _pending.AsSpan(start, _pendingCount - start).CopyTo(_pending);
            _pendingCount -= start;
        }

        FramesComputed += produced;
        return produced;
    }

    private void ComputeFrame(ReadOnlySpan<double> frame, Span<float> output)
    {
        double mean = 0;
        for (int i = 0; i < WindowSize; i++)
        {
            mean += frame[i];
        }

        mean /= WindowSize;

        // DC removal, then pre-emphasis x[j] -= 0.97 x[j-1] with x[-1] = x[0] (torch pads by replication), then the window.
        double previous = frame[0] - mean;
        for (int i = 0; i < WindowSize; i++)
        {
            double x = frame[i] - mean;
            _re[i] = (x - (Preemphasis * previous)) * _window[i];
            previous = x;
        }

        _re.AsSpan(WindowSize).Clear();
        _im.AsSpan().Clear();
        _fft.Forward(_re, _im);
        for (int k = 0; k < _power.Length; k++)
        {
            _power[k] = (_re[k] * _re[k]) + (_im[k] * _im[k]);
        }

        _mel.Apply(_power, _energies);
        for (int m = 0; m < _energies.Length; m++)
        {
            output[m] = (float)Math.Log(Math.Max(_energies[m], LogFloor));
        }
    }

    /// <summary>Kaldi's "povey" window: a symmetric Hann window raised to 0.85, zero at both ends.</summary>
    private static double[] PoveyWindow(int size)
    {
        var w = new double[size];
        for (int i = 0; i < size; i++)
        {
            w[i] = Math.Pow(0.5 - (0.5 * Math.Cos(2.0 * Math.PI * i / (size - 1))), 0.85);
        }

        return w;
    }
}
