using BenchmarkDotNet.Running;

if (args is ["telemetry-paired", ..] && args.Length <= 2)
{
    InferenceEconomics.Benchmarks.PairedTelemetryOverhead.Run(args.Length == 2 ? int.Parse(args[1]) : 60);
    return;
}
if (args is ["harness-paired", ..] && args.Length <= 2)
{
    InferenceEconomics.Benchmarks.PairedHarnessOverhead.Run(args.Length == 2 ? int.Parse(args[1]) : 60);
    return;
}
if (args is ["engines-paired", ..] && args.Length <= 2)
{
    int rounds = args.Length == 2 ? int.Parse(args[1]) : 30;
    InferenceEconomics.Benchmarks.PairedEngineComparison.PrintHeader(rounds);
    InferenceEconomics.Benchmarks.PairedEngineComparison.Run(rounds);
    return;
}
if (args is ["store-history", ..] && args.Length <= 3)
{
    InferenceEconomics.Benchmarks.StoreHistoryBenchmark.Run(args.Length >= 2 ? int.Parse(args[1]) : 10_000, args.Length == 3 ? int.Parse(args[2]) : 15);
    return;
}
if (args is ["load-client", ..] && args.Length <= 5)
{
    int At(int i, int d) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : d;
    InferenceEconomics.Benchmarks.LoadClientBenchmark.Run(At(1, 1000), At(2, 50), At(3, 20), At(4, 10));
    return;
}
if (args is ["result-writes", ..])
{
    InferenceEconomics.Benchmarks.ResultWriteBenchmark.Run(args.Length > 1 ? args[1..].Select(int.Parse).ToList() : [100, 1000, 5000]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
