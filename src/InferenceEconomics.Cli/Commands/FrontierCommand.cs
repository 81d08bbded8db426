using System.Globalization;
using System.Text.Json;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

internal sealed class FrontierCommandSettings : ICostSettings
{
    public List<string> Runs { get; set; } = [];
    public CostRequest Cost { get; set; } = new() { Machine = new() };
    public WorkloadFlags Workload { get; set; } = new();
    /// <summary>Folder for frontier.md / .png / .svg; null: results/frontier_&lt;utc-time&gt;.</summary>
    public string? Out { get; set; }
    public bool Json { get; set; }
}

/// <summary>`frontier`: per-user speed against $/M tokens for every scenario of one or more runs, on one chart.</summary>
internal sealed class FrontierCommand : CliCommand<FrontierCommandSettings>
{
    public override string Name => "frontier";
    public override string Summary => "interactivity frontier: $/M tokens vs per-user tok/s across runs, with API prices";
    public override string Usage => $"{EntryPoint.Name} frontier <run>[@PRICE]... (--gpu NAME | --price-per-hour X | --capex X ...) [--slo BOUNDS] [options]";
    public override string Description =>
        "Every finished scenario of every run becomes a point: x = output tokens per second each user sees (1 / TPOT), y = $ per\n" +
        "million output tokens at the machine's price (full use, and at the traffic's use). Points no other point of the same P and G\n" +
        "beats on both are the Pareto frontier. One series per model/precision/engine/hardware; API output prices are horizontal\n" +
        "lines. With --slo each point says whether it meets every bound. RUN@PRICE prices that run at PRICE $/hour instead.";
    public override IReadOnlyList<string> Examples =>
    [
        $"{EntryPoint.Name} frontier results/<run-a> results/<run-b>@2.49 --price-per-hour 0.5 --vs gpt-4o-mini,claude-haiku-4-5",
        $"{EntryPoint.Name} frontier results/<run> --gpu h100-sxm --slo ttft_p90<=500ms,per_user_tps>=20",
    ];

    public FrontierCommand()
    {
        Argument(s => s.Runs, "runs", "runs (folder, result.json or name under results/), each optionally RUN@PRICE", min: 1, max: int.MaxValue);
        CostOptions.Declare(this);
        Option(s => s.Out, "--out", "DIR", "folder for frontier.md / .png / .svg (existing files of those names are replaced)", defaultText: "results/frontier_<utc-time>");
        Flag(s => s.Json, "--json", "the frontier as JSON on stdout (files are still written)");
    }

    protected override int Execute(FrontierCommandSettings s, CliContext context)
    {
        var request = CostOptions.Request(s, context.Given)
            ?? throw ValueParsers.Usage("price the machines: --gpu NAME[:provider], --price-per-hour X or --capex X (RUN@PRICE overrides it per run)");
        var inputs = new List<(RunResult, CostRequest)>();
        foreach (var arg in s.Runs)
        {
            var (path, price) = SplitPrice(arg, context);
            var run = ResultStore.Load(RunArgument.Resolve(path, context));
            var runRequest = price is { } p ? request with { Machine = new MachinePricing { PricePerHour = p, KwhPrice = request.Machine.KwhPrice, Pue = request.Machine.KwhPrice is null ? null : request.Machine.Pue } } : request;
            inputs.Add((run, runRequest));
        }
        // Load runs: their levels are priced by the load model (per-user tok/s = 1 / TPOT, $/M at each level's
        // throughput) and join the same chart as their own series; static runs go through the cost model.
        var staticInputs = inputs.Where(i => i.Item1.Scenarios.Any(x => x.Kind != ScenarioKind.Load)).ToList();
        var loadPoints = inputs.Where(i => i.Item1.Scenarios.Any(x => x.Kind == ScenarioKind.Load))
            .SelectMany(i => InferenceEconomics.Load.LoadCost.Price(i.Item1, i.Item2.Machine).Frontier?.Points ?? []).ToList();
        var frontier = staticInputs.Count > 0
            ? CostAnalyzer.FrontierOf(staticInputs)
            : new FrontierAnalysis { Points = [], UtilizationBasis = "each load level's own throughput" };
        if (loadPoints.Count > 0) frontier = frontier with { Points = [.. frontier.Points, .. loadPoints] };

        var folder = s.Out ?? Path.Combine(context.Paths.ResultsDir, $"frontier_{DateTimeOffset.UtcNow.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");
        Directory.CreateDirectory(folder);
        var md = FrontierMarkdown.Render(frontier) + (frontier.Labels.Count > 0 ? "\nRead with care:\n" + string.Join("\n", frontier.Labels.Select(l => $"- {l}")) + "\n" : "");
        AtomicFile.Write(Path.Combine(folder, "frontier.md"), md);
        var written = new List<string> { Path.Combine(folder, "frontier.md") };
        if (FrontierChart.Build(frontier, frontier.Labels) is { } spec)
        {
            var chart = ChartImage.Render(spec);
            AtomicFile.Write(Path.Combine(folder, "frontier.png"), chart.Png);
            AtomicFile.Write(Path.Combine(folder, "frontier.svg"), chart.Svg);
            written.Add(Path.Combine(folder, "frontier.png"));
            written.Add(Path.Combine(folder, "frontier.svg"));
        }
        if (s.Json)
        {
            context.Out.WriteLine(ResultJson.Serialize(frontier));
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
