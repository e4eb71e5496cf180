using System.CommandLine;
using System.Globalization;
using LeaPformer.Client.Commands;
using LeaPformer.Evaluation;
using LeaPformer.FunctionalTests.Infrastructure;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// <c>leapformer eval</c> run in process (its real command line) against the real in-process server,
/// over a manifest of the bundle's golden WAVs whose references are the golden decodes' texts; with
/// endpointing off, as an evaluation server runs (the golden delays are those of each whole WAV).
/// </summary>
public sealed class EvalCommandTests(WholeStreamServer server) : ServerTest(server)
{
    // A whole eval: a warm-up stream plus one per golden WAV, on 2 busy cores.
    private static readonly TimeSpan EvalTimeout = TimeSpan.FromSeconds(180);

    [Theory]
    [InlineData(3)]
    [InlineData(-1)] // offline: every word at the source end
    public async Task Golden_references_score_bleu_100_and_the_golden_latency(int k)
    {
        using var folder = new TempFolder();
        var manifest = WriteGoldenManifest(folder, k);
        var output = Path.Combine(folder.Path, "out");

        var (code, stdout, stderr) = await RunEvalAsync("--manifest", manifest, "--k", Invariant(k), "--out", output, "--fast");

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        var expected = ExpectedInstances(k);
        var actual = InstancesLogReader.ReadFile(Path.Combine(output, "instances.log"));
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i, actual[i].Index);
            Assert.Equal(expected[i].Prediction, actual[i].Prediction);
            Assert.Equal(expected[i].SourceLengthMs, actual[i].SourceLengthMs);

            // Wire ms are whole; eval restores the source end exactly, so the golden delays come back bit for bit.
            Assert.Equal(expected[i].DelaysMs, actual[i].DelaysMs);
            for (var w = 0; w < actual[i].DelaysMs.Count; w++)
            {
                Assert.True(actual[i].ElapsedMs[w] >= actual[i].DelaysMs[w], $"instance {i} word {w}: elapsed {actual[i].ElapsedMs[w]} < delay {actual[i].DelaysMs[w]}");
            }
        }

        var want = EvaluationScorer.Score(expected);
        var scores = ReadScoresTsv(Path.Combine(output, "scores.tsv"));
        Assert.Equal(100.0, scores["BLEU"]);
        Assert.Equal(100.0, scores["chrF"]);
        Assert.Equal(want.Latency.AL, scores["AL"], 0.0011);
        Assert.Equal(want.Latency.LAAL, scores["LAAL"], 0.0011);
        Assert.Equal(want.Latency.DAL, scores["DAL"], 0.0011);
        Assert.Equal(want.Latency.AP, scores["AP"], 0.0011);
        Assert.True(scores["AL_CA"] >= scores["AL"], $"AL_CA {scores["AL_CA"]} < AL {scores["AL"]}");
        Assert.True(scores["DAL_CA"] >= scores["DAL"], $"DAL_CA {scores["DAL_CA"]} < DAL {scores["DAL"]}");

        Assert.Contains("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 100.00", stdout, StringComparison.Ordinal);
        Assert.Contains("chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 100.00", stdout, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"{want.Latency.AL,10:0.0}{want.Latency.LAAL,10:0.0}{want.Latency.DAL,10:0.0}"), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_and_limited_runs_give_the_same_instances()
    {
        using var folder = new TempFolder();
        var manifest = WriteGoldenManifest(folder, 5);
        var one = Path.Combine(folder.Path, "one");
        var many = Path.Combine(folder.Path, "many");

        var first = await RunEvalAsync("--manifest", manifest, "--k", "5", "--out", one);
        var second = await RunEvalAsync("--manifest", manifest, "--k", "5", "--out", many, "--concurrency", "3", "--limit", "2", "--chunk-ms", "37");

        Assert.True(first.Code == 0, first.Stderr);
        Assert.True(second.Code == 0, second.Stderr);
        var all = InstancesLogReader.ReadFile(Path.Combine(one, "instances.log"));
        var limited = InstancesLogReader.ReadFile(Path.Combine(many, "instances.log"));
        Assert.Equal(Math.Min(2, Golden.Count), limited.Count);
        for (var i = 0; i < limited.Count; i++)
        {
            Assert.Equal(all[i].Prediction, limited[i].Prediction);
            Assert.Equal(all[i].DelaysMs, limited[i].DelaysMs);
        }
    }

    [Fact]
    public async Task At_real_time_pace_elapsed_is_the_arrival_time_after_the_audio()
    {
        using var folder = new TempFolder();
        var manifest = WriteGoldenManifest(folder, 3);
        var output = Path.Combine(folder.Path, "out");

        var (code, stdout, stderr) = await RunEvalAsync("--manifest", manifest, "--k", "3", "--out", output, "--realtime", "--limit", "1", "--chunk-ms", "40");

        Assert.True(code == 0, stderr);
        Assert.Contains("real-time pace", stdout, StringComparison.Ordinal);
        var instance = Assert.Single(InstancesLogReader.ReadFile(Path.Combine(output, "instances.log")));
        Assert.Equal(ExpectedInstances(3)[0].DelaysMs, instance.DelaysMs);

        // A word cannot reach the client before the audio it waited for was recorded (a few ms of timer slack).
        for (var w = 0; w < instance.DelaysMs.Count; w++)
        {
            Assert.True(instance.ElapsedMs[w] >= instance.DelaysMs[w] - 5, $"word {w}: elapsed {instance.ElapsedMs[w]} before delay {instance.DelaysMs[w]}");
        }
    }

    [Fact]
    public async Task A_bad_manifest_is_refused_before_streaming()
    {
        using var folder = new TempFolder();
        var noReference = Path.Combine(folder.Path, "no-tgt.tsv");
        File.WriteAllText(noReference, "id\taudio\tn_frames\n0\tx.wav\t10\n");
        var missingWav = Path.Combine(folder.Path, "missing.tsv");
        File.WriteAllText(missingWav, "id\taudio\tn_frames\ttgt_text\nu0\tnowhere.wav\t10\thola\n");

        var first = await RunEvalAsync("--manifest", noReference, "--out", Path.Combine(folder.Path, "a"));
        var second = await RunEvalAsync("--manifest", missingWav, "--out", Path.Combine(folder.Path, "b"));
        var third = await RunEvalAsync("--manifest", missingWav, "--fast", "--realtime");

        Assert.Equal(2, first.Code);
        Assert.Contains("no tgt_text column", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, second.Code);
        Assert.Contains("'nowhere.wav' is not a file", second.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, third.Code);
        Assert.Contains("--fast and --realtime", third.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "a")));
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunEvalAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var parse = CliApp.Create(_ => Server.CreateChannel()).Parse(["eval", .. args]);
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).WaitAsync(EvalTimeout);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A fairseq S2T manifest of the golden WAVs: the first by a path relative to the manifest, the rest absolute.</summary>
    private string WriteGoldenManifest(TempFolder folder, int k)
    {
        var wavs = Directory.CreateDirectory(Path.Combine(folder.Path, "wav"));
        var lines = new List<string> { "id\taudio\tn_frames\ttgt_text\tspeaker\tsrc_text" };
        for (var i = 0; i < Golden.Count; i++)
        {
            var utterance = Golden[i];
            var copy = Path.Combine(wavs.FullName, utterance.Wav);
            File.Copy(utterance.WavPath, copy);
            var audio = i == 0 ? Path.Combine("wav", utterance.Wav) : copy;
            lines.Add(Invariant($"golden{i}\t{audio}\t{utterance.NumSamples / 160}\t{utterance.Decode(k).Text}\tgolden\t"));
        }

        var path = Path.Combine(folder.Path, "golden.tsv");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    /// <summary>
    /// The instances eval must produce, from the golden decodes alone: words are the runs of pieces
    /// from one starting with ▁ to the next, and a word's delay is its last visible piece's golden delay.
    /// </summary>
    private List<EvaluatedInstance> ExpectedInstances(int k)
    {
        var pieces = File.ReadAllLines(Path.Combine(Server.BundlePath, "tokens.txt")).Select(l => l.Split('\t')[0]).ToArray();
        var instances = new List<EvaluatedInstance>();
        for (var i = 0; i < Golden.Count; i++)
        {
            var decode = Golden[i].Decode(k);
            var delays = new List<double>();
            double? open = null;
            for (var t = 0; t < decode.Tokens.Count; t++)
            {
                var piece = pieces[decode.Tokens[t]];
                if (piece.StartsWith('\u2581') && open is { } finished)
                {
                    delays.Add(finished);
                    open = null;
                }

                if (piece.TrimStart('\u2581').Length > 0)
                {
                    open = decode.DelaysMs[t];
                }
            }

            if (open is { } last)
            {
                delays.Add(last);
            }

            var words = decode.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(words.Length == delays.Count, $"{Golden[i]}: golden text has {words.Length} words, its pieces {delays.Count} (byte-fallback pieces are not handled by this test)");
            var sourceMs = Golden[i].NumSamples * 1000.0 / 16000;
            instances.Add(new EvaluatedInstance(i, Golden[i].WavPath, string.Join(' ', words), decode.Text, delays, delays, sourceMs));
        }

        return instances;
    }

    private static Dictionary<string, double> ReadScoresTsv(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        var names = lines[0].Split('\t');
        var values = lines[1].Split('\t');
        return names.Zip(values).ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture));
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("leapformer-eval-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
