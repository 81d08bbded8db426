namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class CostCommand : ICliCommand
{
    public string Name => "cost";
    public string Summary => "self-hosted cost per token vs API prices, break-even";
    public string Help => "Usage: ./run.sh cost ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'cost' is not available in this build yet");
}
