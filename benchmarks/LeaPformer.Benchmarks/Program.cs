using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project benchmarks/LeaPformer.Benchmarks -- --filter '*' --job short
// Every BenchmarkDotNet option works: --job default for the careful run, --filter '*Batched*' for one class,
// --inProcess to skip building the per-run child project. Bytes allocated per operation are always reported.
// The long-context run is a program of its own (not BenchmarkDotNet: one stream's hour is one measurement):
//   dotnet run -c Release --project benchmarks/LeaPformer.Benchmarks -- long-context --minutes 60
// Energy against Silero endpointing on a real recording at several levels and noise floors (prints a table):
//   dotnet run -c Release --project benchmarks/LeaPformer.Benchmarks -- endpointing [WAV]
if (args.Length > 0 && args[0] == "endpointing")
{
    return LeaPformer.Benchmarks.Endpointing.EndpointingCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "long-context")
{
    return LeaPformer.Benchmarks.LongContext.LongContextCommand.Run(args[1..]);
}

var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(LeaPformer.Benchmarks.BenchBundle).Assembly).Run(args, config);
return 0;
