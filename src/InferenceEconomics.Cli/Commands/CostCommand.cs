using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

/// <summary>`cost`: self-hosted cost of a measured run against API rate cards, with break-even.</summary>
public sealed class CostCommand : ICliCommand
{
    public string Name => "cost";
    public string Summary => "self-hosted cost per token vs API prices, break-even";
    public string Help => $"""
        Usage: ./run.sh cost <result.json | run folder> (--gpu NAME[:provider] [--gpus N] | --price-per-hour X | --capex X ...)
                             [--workload NAME | --input-tokens N --output-tokens N ...] [--requests-per-day N] [--vs model,...] [--batch-api] [--json]

        Prices the run's scenario of the closest prompt and generated tokens to the workload — the cheapest that
        meets --slo, or without one the highest capacity for the workload — and compares it with API rate cards
        for the same traffic, with every volume range where self-hosting is cheaper; then the interactivity
        frontier: every scenario's per-user speed against its $/M tokens. Formulas: docs/economics.md and METRICS.md.

        {CostOptions.HelpText.TrimEnd()}
        Output:
          --json                    the same comparison as JSON (unknown values are null)
        """;
    public IReadOnlyList<string> Examples =>
    [
        "./run.sh cost results/<run> --gpu h100-sxm --workload support-bot --requests-per-day 50000 --vs gpt-4o-mini,claude-haiku-4-5",
        "./run.sh cost results/<run> --price-per-hour 0.40 --input-tokens 2000 --output-tokens 300 --utilization 0.3",
        "./run.sh cost results/<run> --gpu h100-sxm --slo ttft_p90<=500ms,itl_p99<=50ms,per_user_tps>=20 --requests-per-day 50000",
    ];

    public int Run(CliArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        var request = CostOptions.Parse(args)
            ?? throw CliArgs.Usage("price the machine: --gpu NAME[:provider] (./run.sh rates gpus), --price-per-hour X, or --capex X for owned hardware");
        args.EnsureAllUsed();
        if (args.Positionals.Count == 0)
            throw CliArgs.Usage("give the run to price: ./run.sh cost results/<run folder or result.json> --gpu h100-sxm ...");
        if (args.Positionals.Count > 1)
            throw CliArgs.Usage($"one run at a time; unexpected '{args.Positionals[1]}'");

        var run = ResultStore.Load(RunArgument.Resolve(args.Positionals[0], context));
        var comparison = CostOptions.Mapped(() => CostAnalyzer.Analyze(run, request));
        context.Out.WriteLine(json ? CostJson.Serialize(comparison) : CostMarkdown.Render(comparison).TrimEnd());
        return 0;
    }
}
