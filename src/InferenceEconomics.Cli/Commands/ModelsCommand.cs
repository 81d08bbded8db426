namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class ModelsCommand : ICliCommand
{
    public string Name => "models";
    public string Summary => "make and list models (synthetic builder-format models)";
    public string Help => "Usage: ./run.sh models ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'models' is not available in this build yet");
}
