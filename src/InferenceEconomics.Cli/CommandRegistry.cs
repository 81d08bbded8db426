using InferenceEconomics.Cli.Commands;

namespace InferenceEconomics.Cli;

/// <summary>Every command, in the order --help lists them. "run" is the default verb.</summary>
public static class CommandRegistry
{
    public static IReadOnlyList<ICliCommand> All { get; } =
    [
        new RunCommand(),
        new ModelsCommand(),
        new CostCommand(),
        new FrontierCommand(),
        new RatesCommand(),
        new HwCommand(),
        new CompareCommand(),
        new HistoryCommand(),
        new ReportCommand(),
    ];

    public static ICliCommand? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
