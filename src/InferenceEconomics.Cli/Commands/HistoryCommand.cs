namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class HistoryCommand : ICliCommand
{
    public string Name => "history";
    public string Summary => "list past runs and chart a metric over time";
    public string Help => "Usage: ./run.sh history ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'history' is not available in this build yet");
}
