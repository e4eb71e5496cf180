using System.CommandLine;
using LeaPformer.Client.Compare;
using LeaPformer.Evaluation;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>leapformer compare --baseline LOG --system LOG</c>: paired bootstrap resampling (Koehn 2004,
/// sacreBLEU's <c>--paired-bs</c>) over two runs' instances.log on the same test set: is the BLEU and
/// chrF difference more than sampling noise? Needs no server. Exit codes: 0 compared, 2 bad input
/// (a log missing or malformed, or the two not on the same test set).
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Option<FileSystemInfo>("--baseline") { Description = "The baseline's instances.log, or the folder holding it (eval's --out).", Required = true };
        var system = new Option<FileSystemInfo>("--system") { Description = "The system's instances.log, or the folder holding it, on the same test set.", Required = true };
        var resamples = new Option<int>("--resamples", "-n") { Description = "Bootstrap resamples of the test set.", DefaultValueFactory = _ => PairedBootstrap.DefaultResamples };
        var seed = new Option<int>("--seed") { Description = "Seed of the resampling: the same seed gives the same intervals and p-values.", DefaultValueFactory = _ => PairedBootstrap.DefaultSeed };
        baseline.AcceptExistingOnly();
        system.AcceptExistingOnly();
        resamples.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is not (>= 1 and <= 1_000_000))
            {
                r.AddError("--resamples must be 1..1000000.");
            }
        });

        var command = new Command("compare", "Paired bootstrap test of two runs' instances.log on one test set: BLEU and chrF per system with 95% intervals, their difference and its p-value.")
        {
            baseline, system, resamples, seed,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var baselinePath = PairedLogs.Resolve(parse.GetRequiredValue(baseline));
            var systemPath = PairedLogs.Resolve(parse.GetRequiredValue(system));
            try
            {
                var logs = PairedLogs.Read(baselinePath, systemPath);
                var result = new PairedBootstrap(logs.Baseline, logs.System, logs.References)
                    .Run(parse.GetValue(resamples), parse.GetValue(seed));
                CompareReport.Write(stdout, result, baselinePath, systemPath);
                return 0;
            }
            catch (CompareException ex)
            {
                stderr.WriteLine($"error: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
