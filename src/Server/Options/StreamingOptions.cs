using System.ComponentModel.DataAnnotations;

namespace LeaPformer.Server.Options;

/// <summary>Per-server and per-stream limits (configuration section "Streaming").</summary>
public sealed class StreamingOptions
{
    public const string SectionName = "Streaming";

    /// <summary>Streams served at once; one more gets RESOURCE_EXHAUSTED.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentStreams { get; set; } = 32;

    /// <summary>
    /// Responses queued for one stream's writer. When the client reads slower than the
    /// model writes, the queue fills and the server stops reading its audio (back-pressure).
    /// </summary>
    [Range(1, 10_000)]
    public int ResponseBufferSize { get; set; } = 64;

    /// <summary>
    /// Longest wait for the client's next message; then DEADLINE_EXCEEDED, so that a stalled
    /// client cannot hold a stream slot forever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
