namespace InferenceEconomics.Cli.Commands;

public sealed class RunCommand : ICliCommand
{
    public string Name => "run";
    public string Summary => "measure a model: prefill/decode throughput, latency, energy; writes result.json + report.md";
    public string Help => "Usage: ./run.sh [run] [--model M] ...";
    public IReadOnlyList<string> Examples => ["./run.sh"];
    public int Run(CliArgs args, CliContext context) => throw new NotImplementedException();
}
