using NAudio.Dsp;

namespace LeaPformer.Client.Audio;

/// <summary>
/// Resamples a whole mono signal with NAudio's port of the Cockos WDL resampler in windowed-sinc
/// mode, the resampler the server uses for 8..48 kHz input (the client cannot share the server's
/// streaming one: it never references the runtime).
/// </summary>
internal static class PcmResampler
{
    // 64-tap sinc with 32x interpolated coefficients: at 16 kHz out, flat to ~7.5 kHz, which is more
    // than the model's 80 mel bins up to 8 kHz resolve; downsampling is band-limited, so no aliasing.
    private const int SincSize = 64;
    private const int SincInterpolation = 32;
    private const int Block = 8192;

    /// <summary>ceil(input.Length * outRate / inRate) samples at <paramref name="outRate"/>.</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int inRate, int outRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outRate, 1);
        var expected = (int)((((long)input.Length * outRate) + inRate - 1) / inRate);
        var output = new float[expected + (8 * SincSize) + ((long)Block * outRate / inRate) + 1];
        var wdl = new WdlResampler();
        wdl.SetMode(true, 0, true, SincSize, SincInterpolation);
        wdl.SetFeedMode(true); // ResamplePrepare is told how much input there is, not how much output is wanted
        wdl.SetRates(inRate, outRate);

        var produced = 0;
        while (!input.IsEmpty)
        {
            var n = wdl.ResamplePrepare(Math.Min(input.Length, Block), 1, out Span<float> inBuffer);
            if (n <= 0)
            {
                throw new InvalidOperationException("The WDL resampler accepted no input.");
            }

            input[..n].CopyTo(inBuffer);
            input = input[n..];
            produced += Run(wdl, output, produced, n, inRate, outRate);
        }

        // The sinc filter still holds the last samples: each round with no input pads it with zeros.
        for (var round = 0; round < 4 && produced < expected; round++)
        {
            wdl.ResamplePrepare(SincSize, 1, out _);
            produced += Run(wdl, output, produced, 0, inRate, outRate);
        }

        // Anything the filter still did not give is under one filter length of the tail: silence.
        return output.AsSpan(0, expected).ToArray();
    }

    private static int Run(WdlResampler wdl, float[] output, int offset, int inputCount, int inRate, int outRate)
    {
        var room = Math.Min(output.Length - offset, (int)(((long)Math.Max(inputCount, SincSize) * outRate / inRate) + (4 * SincSize)));
        return room <= 0 ? 0 : wdl.ResampleOut(output.AsSpan(offset, room), inputCount, room, 1);
    }
}
