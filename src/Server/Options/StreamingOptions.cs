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
    /// Longest time the server waits for audio (a non-empty audio_content; the config counts
    /// for the first wait). Then the segment is finalized and the stream ends with
    /// DEADLINE_EXCEEDED, so that a stalled client cannot hold a stream slot forever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest a stream may run (wall clock from its first message). Then the server stops
    /// reading, finalizes the segment, and ends the stream with OUT_OF_RANGE.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Largest request message (gRPC MaxReceiveMessageSize, bytes); a bigger one ends the stream
    /// with RESOURCE_EXHAUSTED. 1 MiB is 32 s of 16 kHz LINEAR16 or 5.4 s of 48 kHz FLOAT32.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Longest one response may wait to be taken by the transport (HTTP/2 flow control: the
    /// client stopped reading). Then the stream ends with RESOURCE_EXHAUSTED and its session is
    /// freed; what was already buffered still reaches a client that reads again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ResponseStallTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// On shutdown (SIGTERM), how long streams in flight keep being served: new streams get
    /// UNAVAILABLE at once; a stream that ends within this time ends normally; the rest have
    /// their segment finalized (final result sent) and end with UNAVAILABLE.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// On shutdown (SIGTERM), how long the server goes on answering before its listeners close:
    /// health says NOT_SERVING and new streams get UNAVAILABLE with a sentence, so that a load
    /// balancer's health probe sees the server leave before connections are refused. Streams in
    /// flight run on meanwhile (ShutdownGracePeriod); the listeners close when both are over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(5);
}
