using System.Globalization;
using System.Text.Json;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

/// <summary>`frontier`: per-user speed against $/M tokens for every scenario of one or more runs, on one chart.</summary>
public sealed class FrontierCommand : ICliCommand
{
    public string Name => "frontier";
    public string Summary => "interactivity frontier: $/M tokens vs per-user tok/s across runs, with API prices";
    public string Help => $"""
        Usage: ./run.sh frontier <run>[@PRICE] [<run>[@PRICE] ...] (--gpu NAME | --price-per-hour X | --capex X ...) [--slo BOUNDS]
                                 [--vs model,...] [workload and traffic options] [--out DIR] [--json]

        Every finished scenario of every run becomes a point: x = output tokens per second each user sees
        (1 / TPOT), y = $ per million output tokens at the machine's price (full use, and at the traffic's use).
        Points no other point of the same P and G beats on both are the Pareto frontier. One series per
        model/precision/engine/hardware; API output prices are horizontal lines. With --slo each point says
        whether it meets every bound. RUN@PRICE prices that run at PRICE $/hour instead (different hardware).
        Writes frontier.md, frontier.png and frontier.svg to --out (default results/frontier_<utc-time>).

        {CostOptions.HelpText.TrimEnd()}
        Output:
          --out DIR                 folder for frontier.md / .png / .svg (created; existing files of those names are replaced)
          --json                    the frontier as JSON on stdout (files are still written)
        """;
    public IReadOnlyList<string> Examples =>
    [
        "./run.sh frontier results/<run-a> results/<run-b>@2.49 --price-per-hour 0.5 --vs gpt-4o-mini,claude-haiku-4-5",
        "./run.sh frontier results/<run> --gpu h100-sxm --slo ttft_p90<=500ms,per_user_tps>=20",
    ];

    public int Run(CliArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        var outDir = args.String("--out");
        var request = CostOptions.Parse(args)
            ?? throw CliArgs.Usage("price the machines: --gpu NAME[:provider], --price-per-hour X or --capex X (RUN@PRICE overrides it per run)");
        args.EnsureAllUsed();
        if (args.Positionals.Count == 0)
            throw CliArgs.Usage("give one or more runs: ./run.sh frontier results/<run> [results/<run>@PRICE ...] --price-per-hour X");

        var inputs = new List<(RunResult, CostRequest)>();
        foreach (var arg in args.Positionals)
        {
            var (path, price) = SplitPrice(arg, context);
            var run = ResultStore.Load(RunArgument.Resolve(path, context));
            var runRequest = price is { } p ? request with { Machine = new MachinePricing { PricePerHour = p, KwhPrice = request.Machine.KwhPrice, Pue = request.Machine.KwhPrice is null ? null : request.Machine.Pue } } : request;
            inputs.Add((run, runRequest));
        }
        var frontier = CostOptions.Mapped(() => CostAnalyzer.FrontierOf(inputs));

        var folder = outDir ?? Path.Combine(context.Paths.ResultsDir, $"frontier_{DateTimeOffset.UtcNow.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");
        Directory.CreateDirectory(folder);
        var md = FrontierMarkdown.Render(frontier) + (frontier.Labels.Count > 0 ? "\nRead with care:\n" + string.Join("\n", frontier.Labels.Select(l => $"- {l}")) + "\n" : "");
        ResultStore.WriteAtomic(Path.Combine(folder, "frontier.md"), md);
        var written = new List<string> { Path.Combine(folder, "frontier.md") };
        if (FrontierChart.Build(frontier, frontier.Labels) is { } spec)
        {
            var chart = ChartImage.Render(spec);
            ResultStore.WriteAtomic(Path.Combine(folder, "frontier.png"), chart.Png);
            ResultStore.WriteAtomic(Path.Combine(folder, "frontier.svg"), chart.Svg);
            written.Add(Path.Combine(folder, "frontier.png"));
            written.Add(Path.Combine(folder, "frontier.svg"));
        }
        if (json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(frontier, ResultJson.Options));
            return 0;
        }
        context.Out.Write(md);
        context.Out.WriteLine();
        context.Out.WriteLine($"written: {string.Join(", ", written)}");
        return 0;
    }

    /// <summary>"results/run@2.49" -> (results/run, 2.49); a path that exists as written, '@' and all, is taken whole.</summary>
    private static (string Path, double? Price) SplitPrice(string arg, CliContext context)
    {
        int at = arg.LastIndexOf('@');
        if (at <= 0 || File.Exists(arg) || Directory.Exists(arg) || Directory.Exists(Path.Combine(context.Paths.ResultsDir, arg))) return (arg, null);
        var text = arg[(at + 1)..].Trim().TrimStart('$');
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || !double.IsFinite(price))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"'{arg}': '{arg[(at + 1)..]}' after @ is not a price; write RUN@2.49 ($/hour of that run's machine)");
        if (!(price > 0))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"'{arg}': a machine's time costs something; give its $/hour above 0");
        return (arg[..at], price);
    }
}
