namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class HwCommand : ICliCommand
{
    public string Name => "hw";
    public string Summary => "what this machine has and which telemetry sources work";
    public string Help => "Usage: ./run.sh hw ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'hw' is not available in this build yet");
}
