namespace LeaPformer.Client.Capture;

/// <summary>Raw PCM from a stream (<c>--stdin</c>): read as fast as the writer delivers it.</summary>
internal sealed class StreamCapture(Stream input, int sampleRate, string description) : AudioCapture
{
    public override string Description => description;

    public override int SampleRate => sampleRate;

    // WaitAsync: a console stream may ignore the token, and Ctrl+C must not wait for the writer.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => new(input.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(cancellationToken));

    public override ValueTask DisposeAsync() => input.DisposeAsync();
}
