using System.Buffers.Binary;
using LeaPformer.Policy;
using LeaPformer.Streaming.Internal;

namespace LeaPformer.Streaming;

/// <summary>
/// One audio stream being translated. Used by one thread at a time; holds only this stream's
/// state (fixed size for LeaP bundles), never the whole audio.
/// </summary>
/// <remarks>
/// Accept* only runs the front end (resampling, fbank, CMVN); <see cref="Decode"/> runs the model.
/// The encoder always sees whole pre-decision units of 4P feature frames (280 ms at P = 7), so the
/// tokens and their delays do not depend on how the audio was chunked.
/// </remarks>
public sealed class TranslationSession : IDisposable
{
    private readonly ModelBundle _bundle;
    private readonly AudioFrontEnd _frontEnd;
    private readonly ModelStepper _model;
    private readonly WaitKDecoder _decoder;
    private readonly Detokenizer _detokenizer;
    private readonly PrefixList<CommittedToken> _committed = new();
    private float[] _scratch = new float[4096];
    private bool _finalEmitted;
    private bool _disposed;

    internal TranslationSession(ModelBundle bundle, WaitKPolicy policy, int inputSampleRate, bool preallocateStates = true)
    {
        _bundle = bundle;
        Policy = policy;
        _frontEnd = new AudioFrontEnd(inputSampleRate, bundle.Cmvn);
        _model = new ModelStepper(bundle, preallocateStates);
        _decoder = new WaitKDecoder(_model, policy, WaitKDecoder.Settings.From(bundle.Metadata));
        _detokenizer = new Detokenizer(bundle.Tokens);
    }

    /// <summary>The wait-k lag in use (0 in the options resolved to the model default), or -1 when offline.</summary>
    public int WaitK => Policy.K;

    public int InputSampleRate => _frontEnd.InputSampleRate;

    /// <summary>ms of audio accepted so far, counted at the input sample rate.</summary>
    public long AudioMsAccepted => _frontEnd.InputSamples * 1000 / _frontEnd.InputSampleRate;

    /// <summary>True once <see cref="InputFinished"/> was called.</summary>
    public bool IsInputFinished => _frontEnd.Finished;

    /// <summary>True once the final update was produced; <see cref="Decode"/> has nothing more to do.</summary>
    public bool IsCompleted => _finalEmitted;

    internal WaitKPolicy Policy { get; }

    /// <summary>Committed token ids of the current segment.</summary>
    internal IReadOnlyList<int> TokenIds => _decoder.Tokens;

    /// <summary>Exact delays in ms (fractional at the end of the source), as the golden files hold them.</summary>
    internal IReadOnlyList<double> DelaysMs => _decoder.DelaysMs;

    internal int FramesRead => _decoder.FramesRead;

    internal long StateElementCount => _model.StateElementCount;

    /// <summary>Little-endian signed 16-bit PCM at <see cref="InputSampleRate"/>.</summary>
    /// <exception cref="ArgumentException">An odd number of bytes.</exception>
    public void AcceptLinear16(ReadOnlySpan<byte> pcm)
    {
        if (pcm.Length % 2 != 0)
        {
            throw new ArgumentException($"LINEAR16 audio must be whole 2-byte samples; got {pcm.Length} bytes.", nameof(pcm));
        }

        var samples = Scratch(pcm.Length / 2);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(2 * i, 2)) / 32768f; // int16 full scale -> [-1, 1)
        }

        AcceptWaveform(samples);
    }

    /// <summary>Little-endian IEEE float32 PCM in [-1, 1] at <see cref="InputSampleRate"/>.</summary>
    /// <exception cref="ArgumentException">A byte count not a multiple of 4, or a NaN or infinite sample.</exception>
    public void AcceptFloat32(ReadOnlySpan<byte> pcm)
    {
        if (pcm.Length % 4 != 0)
        {
            throw new ArgumentException($"FLOAT32 audio must be whole 4-byte samples; got {pcm.Length} bytes.", nameof(pcm));
        }

        var samples = Scratch(pcm.Length / 4);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadSingleLittleEndian(pcm.Slice(4 * i, 4));
        }

        AcceptWaveform(samples);
    }

    /// <summary>Samples in [-1, 1] at <see cref="InputSampleRate"/>.</summary>
    /// <exception cref="ArgumentException">A NaN or infinite sample (nothing of the chunk is used).</exception>
    /// <exception cref="InvalidOperationException">After <see cref="InputFinished"/>.</exception>
    public void AcceptWaveform(ReadOnlySpan<float> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                throw new ArgumentException($"Sample {i} of the chunk is {samples[i]}; audio must be finite.", nameof(samples));
            }
        }

        _frontEnd.Accept(samples);
    }

    /// <summary>No more audio: the next <see cref="Decode"/> reads the rest of the source and finishes the segment.</summary>
    public void InputFinished()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _frontEnd.Finish();
    }

    /// <summary>
    /// Runs every model step the input allows now and appends one update per committed token, then,
    /// once the input is finished, the segment's final update (<see cref="SegmentUpdate.IsFinal"/>).
    /// </summary>
    /// <returns>How many updates were appended.</returns>
    public int Decode(List<SegmentUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finalEmitted)
        {
            return 0;
        }

        int before = updates.Count;
        var features = _frontEnd.Features;
        int unit = _bundle.Metadata.FeatureFramesPerUnit;
        while (features.Count >= unit)
        {
            ReadFeatures(unit, updates);
        }

        if (_frontEnd.Finished)
        {
            // The remaining whole groups of 4 feature frames; the tail under 40 ms is dropped.
            int subsampling = _bundle.Metadata.Subsampling;
            int rest = features.Count / subsampling * subsampling;
            if (rest > 0)
            {
                ReadFeatures(rest, updates);
            }

            features.Clear();
            double sourceMs = _frontEnd.ModelSamples * 1000.0 / KaldiFbank.SampleRate;
            Emit(_decoder.OnSourceDone(sourceMs), updates);
            updates.Add(new SegmentUpdate(0, 0, _detokenizer.Text, string.Empty, _committed.Snapshot(), IsFinal: true));
            _finalEmitted = true;
        }

        return updates.Count - before;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _model.Dispose();
    }

    private void ReadFeatures(int featureFrames, List<SegmentUpdate> updates)
    {
        var features = _frontEnd.Features;
        _model.EncodeAndRead(features.Peek(featureFrames), featureFrames);
        features.Consume(featureFrames);
        Emit(_decoder.OnFramesRead(featureFrames / _bundle.Metadata.Subsampling), updates);
    }

    /// <summary>One update per newly committed token.</summary>
    private void Emit(int committed, List<SegmentUpdate> updates)
    {
        var ids = _decoder.Tokens;
        var delays = _decoder.DelaysMs;
        for (int i = ids.Count - committed; i < ids.Count; i++)
        {
            string delta = _detokenizer.Append(ids[i]);

            // Whole ms of source read; the exact value is fractional only for tokens written at the source end.
            _committed.Add(new CommittedToken(ids[i], _bundle.Tokens[ids[i]], (long)Math.Floor(delays[i])));
            updates.Add(new SegmentUpdate(0, 0, _detokenizer.Text, delta, _committed.Snapshot(), IsFinal: false));
        }
    }

    private Span<float> Scratch(int count)
    {
        if (_scratch.Length < count)
        {
            _scratch = new float[Math.Max(count, _scratch.Length * 2)];
        }

        return _scratch.AsSpan(0, count);
    }
}
