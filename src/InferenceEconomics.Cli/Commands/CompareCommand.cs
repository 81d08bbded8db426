namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class CompareCommand : ICliCommand
{
    public string Name => "compare";
    public string Summary => "compare two runs with a statistical test (CI exit code)";
    public string Help => "Usage: ./run.sh compare ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'compare' is not available in this build yet");
}
