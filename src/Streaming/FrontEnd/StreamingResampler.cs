using NAudio.Dsp;

namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Streaming mono resampler to the model rate, over NAudio's port of the Cockos WDL resampler
/// (windowed-sinc mode, input-driven). Used for 8..48 kHz input that is not already 16 kHz.
/// </summary>
/// <remarks>
/// The total output length is pinned to ceil(input * outRate / inRate), as
/// torchaudio.functional.resample gives: the sinc filter's look-ahead is flushed with zeros at the
/// end and anything past that length is dropped.
/// </remarks>
internal sealed class StreamingResampler
{
    // 64-tap sinc with 32x interpolated coefficients: flat pass band to ~7.5 kHz at 16 kHz out, well
    // past what 80 mel bins up to 8 kHz resolve; cost ~1 M multiply-adds per second of audio.
    private const int SincSize = 64;
    private const int SincInterpolation = 32;

    private readonly WdlResampler _wdl = new();
    private readonly int _inRate;
    private readonly int _outRate;
    private float[] _out = new float[4096];
    private long _inputTotal;
    private long _outputTotal;
    private bool _flushed;

    public StreamingResampler(int inRate, int outRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outRate, 1);
        _inRate = inRate;
        _outRate = outRate;
        _wdl.SetMode(true, 0, true, SincSize, SincInterpolation);
        _wdl.SetFeedMode(true); // ResamplePrepare is told how much input we have, not how much output we want
        _wdl.SetRates(inRate, outRate);
    }

    /// <summary>Output samples for the input so far (ceil(input * outRate / inRate)).</summary>
    public long ExpectedOutput(long inputSamples) => ((inputSamples * _outRate) + _inRate - 1) / _inRate;

    /// <summary>Resamples a chunk; the result is valid until the next call.</summary>
    public ReadOnlySpan<float> Process(ReadOnlySpan<float> input)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The resampler was flushed; it takes no more input.");
        }

        int produced = 0;
        while (!input.IsEmpty)
        {
            int n = _wdl.ResamplePrepare(input.Length, 1, out Span<float> inBuffer);
            if (n <= 0)
            {
                throw new InvalidOperationException("The WDL resampler accepted no input.");
            }

            input[..n].CopyTo(inBuffer);
            input = input[n..];
            _inputTotal += n;
            produced += Run(n, produced);
        }

        return Clip(produced);
    }

    /// <summary>Ends the input: returns the samples still inside the filter, up to the exact total length.</summary>
    public ReadOnlySpan<float> Flush()
    {
        if (_flushed)
        {
            return [];
        }

        _flushed = true;
        int produced = 0;

        // Each flush pads the filter with zeros; two rounds cover the sinc look-ahead at any ratio.
        for (int round = 0; round < 4 && _outputTotal + produced < ExpectedOutput(_inputTotal); round++)
        {
            _wdl.ResamplePrepare(SincSize, 1, out _);
            produced += Run(0, produced);
        }

        // Should the filter still come up short, the missing tail is silence (under one filter length).
        long missing = ExpectedOutput(_inputTotal) - (_outputTotal + produced);
        if (missing > 0)
        {
            EnsureCapacity(produced + (int)missing);
            _out.AsSpan(produced, (int)missing).Clear();
            produced += (int)missing;
        }

        return Clip(produced);
    }

    private int Run(int inputCount, int offset)
    {
        // Room for the output of this input plus the filter's delayed samples.
        int room = (int)(((long)Math.Max(inputCount, SincSize) * _outRate / _inRate) + (4 * SincSize));
        EnsureCapacity(offset + room);
        return _wdl.ResampleOut(_out.AsSpan(offset, room), inputCount, room, 1);
    }

    private ReadOnlySpan<float> Clip(int produced)
    {
        long allowed = ExpectedOutput(_inputTotal) - _outputTotal;
        int count = (int)Math.Max(0, Math.Min(produced, allowed));
        _outputTotal += count;
        return _out.AsSpan(0, count);
    }

    private void EnsureCapacity(int size)
    {
        if (_out.Length < size)
        {
            Array.Resize(ref _out, Math.Max(size, _out.Length * 2));
        }
    }
}
