namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// One segment as the front end cut it: where it lies in the stream, how many of its feature rows
/// wait in the <see cref="FeatureQueue"/>, and how many of them the model may read yet.
/// </summary>
/// <remarks>
/// The runaway guard can end the model's segment before the front end's ends (<see cref="Cut"/>): the
/// rest becomes the next model segment, with rows counted from its new start, while the endpoint rules
/// go on measuring from <see cref="OpenSample"/>, so the front end's boundaries never depend on the model.
/// </remarks>
internal sealed class FrontEndSegment(long startSample)
{
    /// <summary>First 16 kHz sample of the segment as the front end opened it; the endpoint rules measure from here.</summary>
    public long OpenSample { get; } = startSample;

    /// <summary>First 16 kHz sample of the model's segment: <see cref="OpenSample"/>, or where a runaway cut left off.</summary>
    public long StartSample { get; private set; } = startSample;

    /// <summary><see cref="StartSample"/> in ms of the stream (whole ms, rounded down): the wire's segment_start_ms.</summary>
    public long StartMs => StartSample * 1000 / KaldiFbank.SampleRate;

    /// <summary>This is what a runaway cut left of the segment.</summary>
    public bool IsRemainder { get; private set; }

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

    /// <summary>
    /// The model's segment ends at the rows it has read; the rest is the next one. The filterbank's frame grid
    /// runs on (10 ms rows from <see cref="OpenSample"/>), so the rows left are those of the new start.
    /// </summary>
    public void Cut()
    {
        long rows = RowsConsumed;
        StartSample += rows * KaldiFbank.WindowShift;
        RowsAppended -= rows;
        RowsAllowed -= rows;
        RowsConsumed = 0;
        IsRemainder = true;
    }
}
