namespace InferenceEconomics.Cli;

/// <summary>One verb of the CLI. Commands parse their own options and return an exit code.</summary>
public interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    /// <summary>Usage lines and options, shown by "&lt;command&gt; --help".</summary>
    string Help { get; }
    IReadOnlyList<string> Examples { get; }
    int Run(CliArgs args, CliContext context);
}

/// <summary>What a command may touch: console writers, the project root, cancellation.</summary>
public sealed class CliContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public bool Verbose { get; init; }
    public required InferenceEconomics.Common.ProjectPaths Paths { get; init; }
    public CancellationToken Cancellation { get; init; }
    /// <summary>True when stdout is a terminal: progress bars redraw in place.</summary>
    public bool Interactive { get; init; }
}
