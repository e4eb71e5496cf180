using Google.Protobuf;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Hosting;
using SegmentEndReason = LeaPformer.Streaming.SegmentEndReason;

namespace LeaPformer.Server.Calls;

/// <summary>
/// A call's counts, kept for its last log line and fed to the server's metrics as they happen: audio
/// and compute seconds (compute = the front end plus the wait for the model: with batching, the
/// queue, the gathering and the batch's run, i.e. the latency this stream saw), tokens, segments.
/// </summary>
internal sealed class CallMeter(ServerMetrics metrics)
{
    private double _audioSeconds;
    private double _computeSeconds;

    public int Tokens { get; private set; }

    public int FinalSegments { get; private set; }

    /// <summary>Compute seconds per audio second so far; 0 before any audio.</summary>
    public double RealTimeFactor => _audioSeconds > 0 ? _computeSeconds / _audioSeconds : 0;

    /// <summary>One model run took <paramref name="seconds"/>, on <paramref name="audio"/> (null: the end of the input).</summary>
    public void Computed(double seconds, ByteString? audio, StreamingTranslateConfig config)
    {
        _computeSeconds += seconds;
        metrics.ComputeSeconds.Inc(seconds);
        if (audio is null)
        {
            return;
        }

        var bytesPerSample = config.Encoding == AudioEncoding.Linear16 ? 2 : 4;
        var audioSeconds = (double)audio.Length / bytesPerSample / config.SampleRateHertz;
        _audioSeconds += audioSeconds;
        metrics.AudioSeconds.Inc(audioSeconds);
        metrics.ChunkCompute.Observe(seconds);
    }

    public void TokensSent(int added)
    {
        if (added > 0)
        {
            Tokens += added;
            metrics.Tokens.Inc(added);
        }
    }

    public void SegmentEnded(SegmentEndReason reason)
    {
        FinalSegments++;
        metrics.SegmentEnded(reason);
    }

    /// <summary>The session closed: its real-time factor goes to the histogram.</summary>
    public void Close()
    {
        if (_audioSeconds > 0)
        {
            metrics.RealTimeFactor.Observe(_computeSeconds / _audioSeconds);
        }
    }
}
