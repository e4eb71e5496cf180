namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Kaldi's triangular mel filters (torchaudio.compliance.kaldi.get_mel_banks without VTLN warping),
/// stored sparsely: each filter keeps only its non-zero FFT bins.
/// </summary>
internal sealed class MelFilterBank
{
    private readonly int[] _firstBin;
    private readonly double[][] _weights;

    /// <param name="numBins">Mel filters (80).</param>
    /// <param name="fftSize">Padded window (512); filters cover FFT bins 0..fftSize/2-1, the Nyquist bin gets weight 0 as in Kaldi.</param>
    /// <param name="sampleRate">Hz (16000).</param>
    /// <param name="lowFreq">Hz (20).</param>
    /// <param name="highFreq">Hz; &lt;= 0 is an offset from Nyquist (0 = 8000 Hz at 16 kHz).</param>
    public MelFilterBank(int numBins, int fftSize, double sampleRate, double lowFreq, double highFreq)
    {
        int numFftBins = fftSize / 2;
        double nyquist = 0.5 * sampleRate;
        if (highFreq <= 0)
        {
            highFreq += nyquist;
        }

        double fftBinWidth = sampleRate / fftSize; // 31.25 Hz at 16 kHz / 512
        double melLow = MelScale(lowFreq);
        double melHigh = MelScale(highFreq);
        double melDelta = (melHigh - melLow) / (numBins + 1); // +1: the outer filters spread past the edges

        NumBins = numBins;
        _firstBin = new int[numBins];
        _weights = new double[numBins][];
        var row = new double[numFftBins];
        for (int m = 0; m < numBins; m++)
        {
            double left = melLow + (m * melDelta);
            double center = melLow + ((m + 1.0) * melDelta);
            double right = melLow + ((m + 2.0) * melDelta);
            int first = -1;
            int last = -1;
            for (int k = 0; k < numFftBins; k++)
            {
                double mel = MelScale(fftBinWidth * k);
                double up = (mel - left) / (center - left);
                double down = (right - mel) / (right - center);
                row[k] = Math.Max(0.0, Math.Min(up, down));
                if (row[k] > 0)
                {
                    first = first < 0 ? k : first;
                    last = k;
                }
            }

            _firstBin[m] = Math.Max(first, 0);
            _weights[m] = first < 0 ? [] : row.AsSpan(first, last - first + 1).ToArray();
        }
    }

    public int NumBins { get; }

    /// <summary>Kaldi's mel scale: 1127 ln(1 + f / 700).</summary>
    public static double MelScale(double hz) => 1127.0 * Math.Log(1.0 + (hz / 700.0));

    /// <summary>Filter energies of one power spectrum.</summary>
    public void Apply(ReadOnlySpan<double> powerSpectrum, Span<double> energies)
    {
        for (int m = 0; m < NumBins; m++)
        {
            double[] w = _weights[m];
            var bins = powerSpectrum.Slice(_firstBin[m], w.Length);
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += w[i] * bins[i];
            }

            energies[m] = sum;
        }
    }
}
