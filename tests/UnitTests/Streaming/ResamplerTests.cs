using LeaPformer.Streaming.FrontEnd;

namespace LeaPformer.UnitTests.Streaming;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(8000)]
    [InlineData(22050)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void A_sine_comes_out_at_16_kHz_with_the_right_length_and_no_delay(int rate)
    {
        const double hz = 440;
        int n = rate * 3 / 2; // 1.5 s
        var input = Sine(hz, rate, n);
        var output = Resample(input, rate, 16000, chunk: 1234);

        Assert.Equal((long)Math.Ceiling(n * 16000.0 / rate), output.Length);
        var expected = Sine(hz, 16000, output.Length);

        // Away from the edges (the filter's 64 taps) the signal is the same sine, in phase.
        double worst = 0;
        for (int i = 400; i < output.Length - 400; i++)
        {
            worst = Math.Max(worst, Math.Abs(output[i] - expected[i]));
        }

        Assert.True(worst < 0.02, $"max error {worst} at {rate} Hz");
    }

    [Fact]
    public void Resampling_is_nearly_independent_of_chunking()
    {
        var input = Sine(1000, 44100, 44100);
        var whole = Resample(input, 44100, 16000, chunk: input.Length);
        var small = Resample(input, 44100, 16000, chunk: 441);
        Assert.Equal(whole.Length, small.Length);
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.Equal(whole[i], small[i], 1e-5);
        }
    }

    internal static float[] Resample(float[] input, int from, int to, int chunk)
    {
        var resampler = new StreamingResampler(from, to);
        var output = new List<float>();
        for (int start = 0; start < input.Length; start += chunk)
        {
            output.AddRange(resampler.Process(input.AsSpan(start, Math.Min(chunk, input.Length - start))).ToArray());
        }

        output.AddRange(resampler.Flush().ToArray());
        return [.. output];
    }

    internal static float[] Sine(double hz, int rate, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / rate));
        }

        return x;
    }
}
