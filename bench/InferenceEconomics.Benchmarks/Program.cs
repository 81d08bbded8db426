using BenchmarkDotNet.Running;

if (args is ["telemetry-paired", ..] && args.Length <= 2)
{
    InferenceEconomics.Benchmarks.PairedTelemetryOverhead.Run(args.Length == 2 ? int.Parse(args[1]) : 60);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
