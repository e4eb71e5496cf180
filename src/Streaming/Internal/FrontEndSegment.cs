namespace LeaPformer.Streaming.Internal;

/// <summary>
/// One segment as the front end cut it: where it lies in the stream, how many of its feature rows
/// wait in the <see cref="FeatureQueue"/>, and how many of them the model may read yet.
/// </summary>
internal sealed class FrontEndSegment(long startSample)
{
    /// <summary>First 16 kHz sample of the segment in the stream.</summary>
    public long StartSample { get; } = startSample;

    /// <summary>One past the last sample; valid once <see cref="Closed"/>.</summary>
    public long EndSample { get; set; }

    /// <summary>Feature rows of this segment appended to the queue (including rows past its end that get dropped).</summary>
    public long RowsAppended { get; set; }

    /// <summary>Rows the model has read.</summary>
    public long RowsConsumed { get; set; }

    /// <summary>Rows the model may read now: trailing silence past the padding is held back until the segment's fate is known.</summary>
    public long RowsAllowed { get; set; }

    public bool Closed { get; set; }

    public SegmentEndReason Reason { get; set; }

    /// <summary>Endpoint rule 1: too little speech; dropped without output unless a token was already committed.</summary>
    public bool Dropped { get; set; }

    /// <summary>Single utterance: the session ends with this segment.</summary>
    public bool EndsSession { get; set; }

    public long LengthSamples => EndSample - StartSample;

    /// <summary>Rows left in the queue for this segment.</summary>
    public long RowsQueued => RowsAppended - RowsConsumed;

    /// <summary>Rows the model may still read.</summary>
    public long RowsReadable => RowsAllowed - RowsConsumed;
}
