using System.Diagnostics;
using LeaPformer.Streaming;
using LeaPformer.Streaming.Decoding;
using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Benchmarks.LongContext;

/// <summary>
/// One bundle's long-context run: one session, endpointing off (one segment), continuous speech fed
/// in 100 ms chunks and decoded as fast as the model runs (<see cref="TranslationSession.Decode"/>, the
/// public path). At each checkpoint the stream pauses and its next model steps are timed in place.
/// </summary>
/// <remarks>
/// Single steps are timed through the session's internal <c>ModelStepper</c> (visible to this project):
/// a decoder step at the current token and position run N times (each run drops the previous run's
/// uncommitted new states, exactly as wait-k drops an EOS step), and the encoder + cross step over the
/// last unit N times without committing. The states are the stream's own at that moment and are left
/// unchanged, so the stream goes on exactly as if it had not been measured.
/// </remarks>
internal sealed class LongContextRunner(TextWriter log)
{
    private const int ChunkSamples = SpeechTrack.SampleRate / 10; // 100 ms
    private const int RtfWindowChunks = 100;                      // the 10 s before a checkpoint
    private const int WarmupSteps = 5;

    /// <summary>Rows of the batched decoder tick timed for fixed-size bundles (the server's default Batching:MaxBatchSize).</summary>
    public const int BatchRows = 32;

    public IReadOnlyList<CheckpointResult> Run(
        string bundlePath, SpeechTrack track, IReadOnlyList<Checkpoint> checkpoints, int steps, int waitK, double maxSeconds)
    {
        using var bundle = ModelBundle.Load(bundlePath);
        using var translator = new TranslationEngine(bundle);
        string name = bundle.Metadata.ModelName;
        string attention = bundle.Metadata.Attention;
        using var session = translator.CreateSession(new Streaming.TranslationSessionOptions(waitK) { Endpoint = EndpointOptions.Disabled });
        using var runOptions = new RunOptions();
        using var stacked = bundle.Metadata.HasFixedSizeStates ? new StackedSteps(bundle, BatchRows) : null;
        var batchRows = Enumerable.Repeat(session, BatchRows).ToList();
        var batchedTimes = new double[steps];
        var results = new List<CheckpointResult>();
        var updates = new List<SegmentUpdate>(256);
        var chunk = new float[ChunkSamples];
        var chunkTicks = new long[RtfWindowChunks];
        var decoderTimes = new double[steps];
        var encoderTimes = new double[steps];
        long workingSetStart = WorkingSet();
        var clock = Stopwatch.StartNew();
        long chunks = 0;
        int next = 0;
        log.WriteLine($"{name} ({attention}): k {session.WaitK}, checkpoints {string.Join(", ", checkpoints.Select(c => c.Label))}, budget {maxSeconds:0} s");
        while (next < checkpoints.Count)
        {
            if (clock.Elapsed.TotalSeconds > maxSeconds)
            {
                log.WriteLine($"  {name}: the {maxSeconds:0} s budget ran out at {chunks / 10.0:0.0} s of context; {checkpoints.Count - next} checkpoint(s) not reached");
                break;
            }

            track.Read(chunk);
            long t0 = Stopwatch.GetTimestamp();
            session.AcceptWaveform(chunk);
            session.Decode(updates);
            chunkTicks[chunks % RtfWindowChunks] = Stopwatch.GetTimestamp() - t0;
            updates.Clear();
            chunks++;
            if (chunks * ChunkSamples < checkpoints[next].Seconds * SpeechTrack.SampleRate)
            {
                continue;
            }

            double contextSeconds = chunks / 10.0;
            int window = (int)Math.Min(chunks, RtfWindowChunks);
            double rtf = chunkTicks.Take(window).Sum() / (double)Stopwatch.Frequency / (window / 10.0);
            TimeSteps(session, runOptions, decoderTimes, encoderTimes);
            double batched = stacked is null ? double.NaN : TimeBatchedDecoder(stacked, batchRows, batchedTimes);
            long heap = ManagedHeap();
            var result = new CheckpointResult(
                name,
                attention,
                checkpoints[next].Label,
                checkpoints[next].Seconds,
                Reached: true,
                contextSeconds,
                session.FramesRead,
                session.TokenIds.Count,
                Median(decoderTimes),
                Median(encoderTimes),
                session.StateElementCount * sizeof(float),
                heap,
                WorkingSet() - workingSetStart,
                rtf,
                clock.Elapsed.TotalSeconds,
                batched);
            results.Add(result);
            log.WriteLine(FormattableString.Invariant(
                $"  {name} at {result.Checkpoint,5}: decoder step {result.DecoderStepUs,9:0.0} us (batched x{BatchRows}: {result.BatchedDecoderStepUs:0.0} us per stream), encoder unit {result.EncoderUnitUs,9:0.0} us, state {result.StateBytes / 1024.0,10:0.0} KiB, {result.Tokens} tokens, {result.ElapsedSeconds:0.0} s so far"));
            next++;
        }

        for (; next < checkpoints.Count; next++)
        {
            results.Add(CheckpointResult.NotReached(name, attention, checkpoints[next]));
        }

        return results;
    }

    /// <summary>Times the stream's next decoder step and encoder + cross unit step, each <c>times.Length</c> times, in place.</summary>
    private static void TimeSteps(TranslationSession session, RunOptions runOptions, double[] decoderTimes, double[] encoderTimes)
    {
        var model = session.Model;
        var tokens = session.TokenIds;
        int previous = tokens.Count > 0 ? tokens[^1] : session.Bundle.Metadata.BosId;
        int pos = tokens.Count;
        for (int i = -WarmupSteps; i < decoderTimes.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.DecodeStep(previous, pos);
            if (i >= 0)
            {
                decoderTimes[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
        }

        if (session.FramesRead == 0)
        {
            throw new InvalidOperationException("No unit was encoded before the checkpoint: make the first checkpoint longer than one unit.");
        }

        // The last unit's features and frames are still in the stepper's input buffers.
        for (int i = -WarmupSteps; i < encoderTimes.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Encoder.Run(runOptions);
            model.Cross.Run(runOptions);
            if (i >= 0)
            {
                encoderTimes[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
        }
    }

    /// <summary>
    /// Times batched decoder ticks whose rows are all this stream's states (stacked, one decoder.onnx call,
    /// unstacked into the stream's pending states, which the next step drops as in <see cref="TimeSteps"/>);
    /// returns the median tick divided by the rows.
    /// </summary>
    private static double TimeBatchedDecoder(StackedSteps stacked, List<TranslationSession> rows, double[] times)
    {
        for (int i = -WarmupSteps; i < times.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            stacked.RunDecoders(rows, 0, rows.Count);
            if (i >= 0)
            {
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
        }

        return Median(times) / rows.Count;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static long ManagedHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
