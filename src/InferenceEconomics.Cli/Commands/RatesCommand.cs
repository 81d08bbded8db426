namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class RatesCommand : ICliCommand
{
    public string Name => "rates";
    public string Summary => "list or import API rate cards";
    public string Help => "Usage: ./run.sh rates ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'rates' is not available in this build yet");
}
