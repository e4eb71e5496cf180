using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using LeaPformer.Client.Audio;
using LeaPformer.Client.Translation;
using LeaPformer.Evaluation;

namespace LeaPformer.Client.Eval;

/// <summary>
/// Streams every manifest entry through the real server with <see cref="StreamingTranslationClient"/>,
/// <see cref="EvalSettings.Concurrency"/> at a time, and scores the instances with the Evaluation library.
/// The first failure stops the run (the remaining streams are cancelled). Before timing, the first
/// entry is streamed once unpaced and its result dropped, so one-time costs (the HTTP/2 connection,
/// JIT on both sides) are not counted as computation latency of the first instance.
/// </summary>
internal sealed class EvalRunner(StreamingTranslationClient client, EvalSettings settings, TextWriter progress)
{
    // Generous: a stream on a busy 2-core machine can run several times slower than real time.
    private static readonly TimeSpan StreamTimeoutBase = TimeSpan.FromSeconds(120);
    private const double StreamTimeoutPerAudioSecond = 10;

    public async Task<EvalRun> RunAsync(IReadOnlyList<ManifestEntry> entries, CancellationToken cancellationToken)
    {
        await WarmUpAsync(entries[0], cancellationToken);
        var instances = new EvaluatedInstance[entries.Count];
        var audioMs = new double[entries.Count];
        var done = 0;
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count), parallel, async (i, token) =>
        {
            var entry = entries[i];
            var audio = Load(entry);
            var options = new TranslateOptions(
                WaitK: settings.WaitK,
                ChunkMs: settings.ChunkMs,
                RealTime: settings.RealTime,
                Timeout: Timeout(audio));
            TranslationOutcome outcome;
            try
            {
                outcome = await client.TranslateAsync(audio, options, cancellationToken: token);
            }
            catch (RpcException ex) when (!token.IsCancellationRequested)
            {
                throw new EvalException($"{entry.Id}: the server answered {ex.StatusCode}: {ex.Status.Detail}", badInput: false, ex);
            }

            if (outcome.Segments.Count == 0 || !outcome.Segments[^1].IsFinal)
            {
                throw new EvalException($"{entry.Id}: the stream ended without a final result.", badInput: false);
            }

            instances[i] = InstanceBuilder.Build(i, entry, audio.DurationMs, outcome, settings.RealTime);
            audioMs[i] = audio.DurationMs;
            var n = Interlocked.Increment(ref done);
            lock (progress)
            {
                progress.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[{n,4}/{entries.Count}] {entry.Id}  {audio.DurationMs / 1000,5:0.00} s  {instances[i].Prediction}"));
            }
        });

        var scores = EvaluationScorer.Score(instances);
        return new EvalRun(instances, scores, audioMs.Sum(), clock.Elapsed);
    }

    /// <summary>Writes SimulEval's instances.log and scores.tsv into the output folder.</summary>
    public static (string InstancesLog, string ScoresTsv) Write(EvalRun run, string folder)
    {
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, "instances.log");
        var tsv = Path.Combine(folder, "scores.tsv");
        InstancesLogWriter.WriteFile(log, run.Instances);
        ScoresTsvWriter.WriteFile(tsv, run.Scores);
        return (log, tsv);
    }

    private async Task WarmUpAsync(ManifestEntry entry, CancellationToken cancellationToken)
    {
        var audio = Load(entry);
        try
        {
            await client.TranslateAsync(audio, new TranslateOptions(WaitK: settings.WaitK, ChunkMs: settings.ChunkMs, RealTime: false, Timeout: Timeout(audio)), cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EvalException($"{entry.Id} (warm-up): the server answered {ex.StatusCode}: {ex.Status.Detail}", badInput: false, ex);
        }
    }

    private static TimeSpan Timeout(PcmAudio audio) =>
        StreamTimeoutBase + TimeSpan.FromSeconds(StreamTimeoutPerAudioSecond * audio.DurationMs / 1000);

    private static PcmAudio Load(ManifestEntry entry)
    {
        PcmAudio audio;
        try
        {
            audio = WavLoader.Load(entry.AudioPath);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or ArgumentException)
        {
            throw new EvalException($"{entry.Id}: cannot read {entry.AudioPath} as WAV: {ex.Message}", badInput: true, ex);
        }

        return audio.Samples.Length > 0 ? audio : throw new EvalException($"{entry.Id}: {entry.AudioPath} holds no audio.", badInput: true);
    }
}
