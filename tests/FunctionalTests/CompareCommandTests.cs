using System.CommandLine;
using System.Globalization;
using LeaPformer.Client.Commands;
using LeaPformer.Evaluation;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// <c>leapformer compare</c> run in process (its real command line) on instances.log files written
/// the way eval writes them; it needs no server.
/// </summary>
public sealed class CompareCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly string[] References =
    [
        "el perro come una manzana roja", "la niña lee el libro nuevo", "mi padre compra la casa grande",
        "el vecino busca un coche viejo", "una mujer mira las flores", "los chicos venden el coche",
        "tu hermana come en el parque", "el perro lee por la mañana",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("leapformer-compare-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Prints_both_systems_and_their_difference_with_intervals_and_p()
    {
        var baseline = WriteLog("baseline", References.Select(r => string.Join(' ', r.Split(' ').Take(3))));
        var system = WriteLog("system", References);

        // A folder means its instances.log.
        var (code, stdout, stderr) = await RunAsync("compare", "--baseline", Path.GetDirectoryName(baseline)!, "--system", system, "--resamples", "200", "--seed", "3");

        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        var expected = new PairedBootstrap(
            [.. References.Select(r => string.Join(' ', r.Split(' ').Take(3)))], References, References).Run(200, 3);
        Assert.Contains("compare: 8 segments, paired bootstrap over 200 resamples, seed 3", stdout, StringComparison.Ordinal);
        Assert.Contains($"  baseline  {baseline}", stdout, StringComparison.Ordinal);
        Assert.Contains($"  system    {system}", stdout, StringComparison.Ordinal);
        Assert.Contains(Row("BLEU", "baseline", expected.Bleu.Baseline, ""), stdout, StringComparison.Ordinal);
        Assert.Contains(Row("", "system", expected.Bleu.System, ""), stdout, StringComparison.Ordinal);
        Assert.Contains(Row("", "difference", expected.Bleu.Difference, expected.Bleu.PValue.ToString("0.0000", CultureInfo.InvariantCulture)), stdout, StringComparison.Ordinal);
        Assert.Contains(Row("chrF2", "baseline", expected.ChrF.Baseline, ""), stdout, StringComparison.Ordinal);
        Assert.Contains("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", stdout, StringComparison.Ordinal);
        Assert.Contains("chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_of_different_test_sets_are_refused_with_exit_code_2()
    {
        var baseline = WriteLog("baseline", References);
        var otherReferences = WriteLog("other", References, [.. References.Select((r, i) => i == 5 ? r + " hoy" : r)]);
        var fewer = WriteLog("fewer", References[..^2], References[..^2]);

        var references = await RunAsync("compare", "--baseline", baseline, "--system", otherReferences);
        var indices = await RunAsync("compare", "--baseline", baseline, "--system", fewer);

        Assert.Equal(2, references.Code);
        Assert.Equal("", references.Stdout);
        Assert.StartsWith("error: the references differ at index 5 (instance 5: baseline 'los chicos venden el coche', system 'los chicos venden el coche hoy')", references.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, indices.Code);
        Assert.StartsWith("error: the logs hold different instances (indices 6, 7 only in the baseline, no index only in the system)", indices.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_or_malformed_logs_and_bad_options_are_refused()
    {
        var log = WriteLog("baseline", References);
        var malformed = Path.Combine(_folder, "malformed.log");
        File.WriteAllText(malformed, "{\"index\": 0}\n");

        var emptyFolder = await RunAsync("compare", "--baseline", log, "--system", Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName);
        var broken = await RunAsync("compare", "--baseline", log, "--system", malformed);
        var nowhere = await RunAsync("compare", "--baseline", log, "--system", Path.Combine(_folder, "nowhere"));
        var noResamples = await RunAsync("compare", "--baseline", log, "--system", log, "--resamples", "0");

        Assert.Equal(2, emptyFolder.Code);
        Assert.Equal($"error: '{Path.Combine(_folder, "empty", "instances.log")}' is not a file.", emptyFolder.Stderr.Trim());
        Assert.Equal(2, broken.Code);
        Assert.StartsWith($"error: {malformed}: instances.log line 1:", broken.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, nowhere.Code);
        Assert.Contains("nowhere", nowhere.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, noResamples.Code);
        Assert.Contains("--resamples must be 1..1000000.", noResamples.Stderr, StringComparison.Ordinal);
    }

    private static string Row(string metric, string name, BootstrapEstimate estimate, string p) =>
        FormattableString.Invariant($"  {metric,-8}{name,-12}{estimate.Actual,8:0.00}{estimate.Mean,8:0.00}  {$"[{estimate.Lower:0.00}, {estimate.Upper:0.00}]",-18}{p,8}").TrimEnd();

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var parse = CliApp.Create().Parse(args);
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).WaitAsync(Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>An instances.log as eval writes it, in its own folder, with one delay per predicted word.</summary>
    private string WriteLog(string name, IEnumerable<string> predictions, IReadOnlyList<string>? references = null)
    {
        references ??= References;
        var instances = predictions.Select((p, i) =>
        {
            var delays = p.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((_, w) => 400.0 * (w + 1)).ToArray();
            return new EvaluatedInstance(i, $"wav/{i}.wav", p, references[i], delays, delays, 4000);
        });
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, name)).FullName, "instances.log");
        InstancesLogWriter.WriteFile(path, instances);
        return path;
    }
}
