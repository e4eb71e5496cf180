using System.Collections.Concurrent;
using LeaPformer.Policy;
using LeaPformer.Streaming.Decoding;

namespace LeaPformer.Streaming;

/// <summary>
/// Creates per-stream <see cref="TranslationSession"/>s over one shared <see cref="ModelBundle"/>, and
/// steps many of them together (<see cref="DecodeBatch"/>). One per process; thread-safe. Does not
/// own the bundle.
/// </summary>
public sealed class TranslationEngine(ModelBundle bundle) : IDisposable
{
    /// <summary>Sessions per ONNX call when <see cref="DecodeBatch"/> is not told otherwise.</summary>
    public const int DefaultMaxBatchSize = 32;

    /// <summary>The largest batch <see cref="DecodeBatch"/> accepts (buffers are sized for it up front).</summary>
    public const int MaxBatchSizeLimit = 1024;

    // Stacked buffers are tens of MB at 32 rows: kept for reuse, one per thread that batches at once.
    private readonly ConcurrentBag<BatchStepper> _steppers = [];
    private volatile bool _disposed;

    public ModelBundle Bundle { get; } = bundle ?? throw new ArgumentNullException(nameof(bundle));

    /// <exception cref="ArgumentOutOfRangeException">k outside [k_min, k_max] (0 = default, -1 = offline), a sample rate outside 8000..48000 Hz, or a bad endpoint or runaway guard option.</exception>
    public TranslationSession CreateSession(TranslationSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var m = Bundle.Metadata;
        OptionProblem.ThrowIfAny(options.Problems(m));
        int k = options.WaitK switch
        {
            TranslationSessionOptions.DefaultK => m.DefaultK,
            TranslationSessionOptions.Offline => WaitKPolicy.Offline,
            _ => options.WaitK,
        };

        var endpoint = options.Endpoint ?? EndpointOptions.Disabled;
        if (options.SingleUtterance && !endpoint.Enabled)
        {
            endpoint = EndpointOptions.Default; // a single utterance ends where the speaker pauses
        }

        endpoint.Validate();
        var guard = options.RunawayGuard ?? RunawayGuardOptions.Disabled;
        guard.Validate();
        return new TranslationSession(
            Bundle, new WaitKPolicy(k, m.PreDecision), options.InputSampleRate, endpoint: endpoint, singleUtterance: options.SingleUtterance, guard: guard);
    }

    /// <summary>
    /// Runs every model step the input of <paramref name="sessions"/> allows now, as sherpa-onnx's
    /// DecodeStreams does: each tick, the sessions that need an encoder step run it as one stacked ONNX
    /// call (up to <paramref name="maxBatchSize"/> sessions per call), then one stacked cross update,
    /// and those that need a decoder step one stacked decoder call. Session i's updates are appended to
    /// <paramref name="updates"/>[i]; they are exactly those of <see cref="TranslationSession.Decode"/> on
    /// each session alone, which is this with a batch of one.
    /// </summary>
    /// <remarks>
    /// Each session must be used by no other thread during the call. Only fixed-size (LeaP) states
    /// stack; sessions of a softmax bundle are stepped one at a time.
    /// </remarks>
    /// <returns>How many updates were appended, over all sessions.</returns>
    /// <exception cref="ArgumentException">A null or repeated session, one of another bundle, or not one update list per session.</exception>
    public int DecodeBatch(IReadOnlyList<TranslationSession> sessions, IReadOnlyList<List<SegmentUpdate>> updates, int maxBatchSize = DefaultMaxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatchSize, MaxBatchSizeLimit);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var stepper = Rent(maxBatchSize);
        try
        {
            return stepper.Run(sessions, updates, maxBatchSize);
        }
        finally
        {
            Return(stepper);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_steppers.TryTake(out var stepper))
        {
            stepper.Dispose();
        }
    }

    private BatchStepper Rent(int capacity)
    {
        if (_steppers.TryTake(out var stepper))
        {
            if (stepper.Capacity >= capacity)
            {
                return stepper;
            }

            stepper.Dispose(); // too small: replaced by one sized for the larger batches asked for now
        }

        return new BatchStepper(Bundle, capacity);
    }

    private void Return(BatchStepper stepper)
    {
        if (_disposed)
        {
            stepper.Dispose();
            return;
        }

        _steppers.Add(stepper);
    }
}
