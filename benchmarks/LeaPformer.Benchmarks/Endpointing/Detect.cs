using LeaPformer.Streaming;
using LeaPformer.Streaming.FrontEnd;

namespace LeaPformer.Benchmarks.Endpointing;

/// <summary>The segments the front end's endpointer keeps for a 16 kHz stream fed in 100 ms chunks.</summary>
internal static class Detect
{
    public const int Rate = 16000;

    public static List<(long Start, long End, SegmentEndReason Reason)> Segments(Cmvn cmvn, EndpointOptions options, float[] stream)
    {
        using var frontEnd = new AudioFrontEnd(Rate, cmvn, options);
        for (int i = 0; i < stream.Length; i += 1600)
        {
            frontEnd.Accept(stream.AsSpan(i, Math.Min(1600, stream.Length - i)));
        }

        frontEnd.Finish();
        return [.. frontEnd.Segments.Where(s => !s.Dropped).Select(s => (s.StartSample, s.EndSample, s.Reason))];
    }
}
