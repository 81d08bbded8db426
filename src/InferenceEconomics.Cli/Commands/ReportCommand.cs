namespace InferenceEconomics.Cli.Commands;

// Placeholder: implemented by its own issue.
public sealed class ReportCommand : ICliCommand
{
    public string Name => "report";
    public string Summary => "re-render a run's reports (Markdown, CSV, HTML, charts)";
    public string Help => "Usage: ./run.sh report ...";
    public IReadOnlyList<string> Examples => [];
    public int Run(CliArgs args, CliContext context) =>
        throw new InferenceEconomicsException(ErrorKind.Usage, "'report' is not available in this build yet");
}
