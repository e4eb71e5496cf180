namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// In-place radix-2 complex FFT in double precision with precomputed twiddles and bit reversal.
/// </summary>
/// <remarks>
/// Hand-written on purpose: the front end needs one 512-point transform per 10 ms frame, in double
/// precision, without allocation. NAudio's FFT is single precision and rescales its output;
/// MathNet.Numerics would be a large dependency for 60 lines (kaldi-native-fbank, which
/// sherpa-onnx uses, carries its own FFT for the same reason).
/// </remarks>
internal sealed class Fft
{
    private readonly int _n;
    private readonly int[] _bitReverse;
    private readonly double[] _cos;
    private readonly double[] _sin;

    public Fft(int n)
    {
        if (n < 2 || (n & (n - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "FFT size must be a power of two.");
        }

        _n = n;
        _bitReverse = new int[n];
        int bits = System.Numerics.BitOperations.Log2((uint)n);
        for (int i = 0; i < n; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            _bitReverse[i] = r;
        }

        _cos = new double[n / 2];
        _sin = new double[n / 2];
        for (int i = 0; i < n / 2; i++)
        {
            double angle = -2.0 * Math.PI * i / n; // forward transform: e^{-2 pi i k n / N}
            _cos[i] = Math.Cos(angle);
            _sin[i] = Math.Sin(angle);
        }
    }

    public int Size => _n;

    /// <summary>Forward transform of (re, im), unscaled, as numpy/torch compute it.</summary>
    public void Forward(Span<double> re, Span<double> im)
    {
        if (re.Length != _n || im.Length != _n)
        {
            throw new ArgumentException($"FFT buffers must hold {_n} values.");
        }

        for (int i = 0; i < _n; i++)
        {
            int j = _bitReverse[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }

        for (int size = 2; size <= _n; size <<= 1)
        {
            int half = size >> 1;
            int step = _n / size;
            for (int start = 0; start < _n; start += size)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = _cos[k * step];
                    double wi = _sin[k * step];
                    int a = start + k;
                    int b = a + half;
                    double tr = (re[b] * wr) - (im[b] * wi);
                    double ti = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
