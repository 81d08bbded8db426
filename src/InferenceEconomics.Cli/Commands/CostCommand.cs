using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

internal sealed class CostCommandSettings : ICostSettings
{
    public string Run { get; set; } = "";
    public CostRequest Cost { get; set; } = new() { Machine = new() };
    public WorkloadFlags Workload { get; set; } = new();
    public bool Json { get; set; }
}

/// <summary>`cost`: self-hosted cost of a measured run against API rate cards, with break-even.</summary>
internal sealed class CostCommand : CliCommand<CostCommandSettings>
{
    public override string Name => "cost";
    public override string Summary => "self-hosted cost per token vs API prices, break-even";
    public override string Usage => $"{EntryPoint.Name} cost <run> (--gpu NAME[:provider] [--gpus N] | --price-per-hour X | --capex X ...) [options]";
    public override string Description =>
        "Prices the run's best-fitting scenario (closest prompt and generated tokens to the workload) and compares it with\n" +
        "API rate cards for the same traffic. Formulas: docs/economics.md.";
    public override IReadOnlyList<string> Examples =>
    [
        $"{EntryPoint.Name} cost results/<run> --gpu h100-sxm --workload support-bot --requests-per-day 50000 --vs gpt-4o-mini,claude-haiku-4-5",
        $"{EntryPoint.Name} cost results/<run> --price-per-hour 0.40 --input-tokens 2000 --output-tokens 300 --utilization 0.3",
    ];

    public CostCommand()
    {
        Argument(s => s.Run, "run", "a run folder, its result.json, or a run folder name under results/");
        CostOptions.Declare(this);
        Flag(s => s.Json, "--json", "the same comparison as JSON (unknown values are null)");
    }

    protected override int Execute(CostCommandSettings s, CliContext context)
    {
        var request = CostOptions.Request(s, context.Given)
            ?? throw ValueParsers.Usage($"price the machine: --gpu NAME[:provider] ({EntryPoint.Name} rates gpus), --price-per-hour X, or --capex X for owned hardware");
        var run = ResultStore.Load(RunArgument.Resolve(s.Run, context));
        var comparison = CostAnalyzer.Analyze(run, request);
        context.Out.WriteLine(s.Json ? CostJson.Serialize(comparison) : CostMarkdown.Render(comparison).TrimEnd());
        return 0;
    }
}
