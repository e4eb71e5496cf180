namespace LeaPformer.Streaming.Internal;

/// <summary>
/// Audio at the input rate -> 16 kHz (resampled unless already 16 kHz) -> Kaldi fbank -> CMVN,
/// appended to <see cref="Features"/>. Holds at most one 25 ms window of samples and the filter's
/// tail; features wait in the queue until the model consumes them.
/// </summary>
internal sealed class AudioFrontEnd
{
    private readonly StreamingResampler? _resampler;
    private readonly KaldiFbank _fbank;
    private readonly Cmvn _cmvn;

    public AudioFrontEnd(int inputSampleRate, Cmvn cmvn)
    {
        InputSampleRate = inputSampleRate;
        _cmvn = cmvn;
        _fbank = new KaldiFbank(cmvn.Dim);
        _resampler = inputSampleRate == KaldiFbank.SampleRate ? null : new StreamingResampler(inputSampleRate, KaldiFbank.SampleRate);
        Features = new FeatureQueue(cmvn.Dim);
    }

    public int InputSampleRate { get; }

    /// <summary>CMVN-normalised feature rows not yet consumed.</summary>
    public FeatureQueue Features { get; }

    public long InputSamples { get; private set; }

    /// <summary>16 kHz samples given to the filterbank (the segment length the delays refer to).</summary>
    public long ModelSamples { get; private set; }

    public bool Finished { get; private set; }

    public void Accept(ReadOnlySpan<float> samples)
    {
        if (Finished)
        {
            throw new InvalidOperationException("Input already finished.");
        }

        InputSamples += samples.Length;
        Feed(_resampler is null ? samples : _resampler.Process(samples));
    }

    /// <summary>End of input: flushes the resampler's tail into the filterbank.</summary>
    public void Finish()
    {
        if (Finished)
        {
            return;
        }

        Finished = true;
        if (_resampler is not null)
        {
            Feed(_resampler.Flush());
        }
    }

    private void Feed(ReadOnlySpan<float> samples16k)
    {
        ModelSamples += samples16k.Length;
        int added = _fbank.Accept(samples16k, Features);
        for (int i = Features.Count - added; i < Features.Count; i++)
        {
            _cmvn.Apply(Features.Row(i));
        }
    }
}
