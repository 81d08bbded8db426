using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

internal sealed class ReportCommandSettings : ICostSettings
{
    public string Run { get; set; } = "";
    public IReadOnlyList<string>? Only { get; set; }
    public string? Store { get; set; }
    /// <summary>Where the reports of a run read from the store go; null: results/&lt;run id&gt;.</summary>
    public string? Out { get; set; }
    public CostRequest Cost { get; set; } = new() { Machine = new() };
    public WorkloadFlags Workload { get; set; } = new();
}

/// <summary>report: re-renders every report format of a finished run from its result.json.</summary>
internal sealed class ReportCommand : CliCommand<ReportCommandSettings>
{
    public override string Name => "report";
    public override string Summary => "re-render a run's reports (Markdown, CSV, HTML, charts)";
    public override string Usage => $"{EntryPoint.Name} report <run> [--only ...] [cost options]";
    public override string Description =>
        "Writes report.md, scenarios.csv, report.html and charts/*.png|svg beside result.json. With a machine price\n" +
        "(--gpu, --price-per-hour or --capex) the reports get the cost section and the cost charts.";
    public override IReadOnlyList<string> Examples =>
        [$"{EntryPoint.Name} report results/<run>", $"{EntryPoint.Name} report results/<run> --gpu h100-sxm --requests-per-day 20000"];

    public ReportCommand()
    {
        Argument(s => s.Run, "run", "a run folder, its result.json, or a run folder name under results/");
        Option(s => s.Only, "--only", "LIST", "exporters to run", choices: Exporters.Default.Select(e => e.Name).ToList(), defaultText: "all");
        Option(s => s.Store, "--store", "URL|PATH", StoreCli.Help + "; <run> is then a run id in it", defaultText: StoreCli.DefaultText);
        Option(s => s.Out, "--out", "DIR", "where the reports of a run read from the store go", defaultText: "results/<run id>");
        CostOptions.Declare(this);
    }

    protected override int Execute(ReportCommandSettings s, CliContext context)
    {
        var costRequest = CostOptions.Request(s, context.Given);
        var local = StoreCli.LocalRun(s.Run, s.Store, context);
        RunResult result;
        string folder;
        if (local is not null || !Store.StoreLocation.Configured(s.Store))
        {
            var arg = local ?? s.Run; // ResultStore.Load reports a missing path
            result = ResultStore.Load(arg);
            folder = s.Out ?? (Directory.Exists(arg) ? arg : Path.GetDirectoryName(Path.GetFullPath(arg))!);
        }
        else
        {
            using var source = StoreCli.OpenSource(s.Store, null, context);
            result = source.Load(s.Run);
            folder = s.Out ?? Path.Combine(context.Paths.ResultsDir, ResultStore.Sanitize(result.RunId));
            Directory.CreateDirectory(folder);
        }

        var exporters = Exporters.Default;
        if (s.Only is { } only)
        {
            var names = exporters.Select(e => e.Name).ToList();
            foreach (var n in only)
                if (!names.Contains(n))
                    throw ValueParsers.Usage($"unknown exporter '{n}'{Suggest.DidYouMean(n, names)}; known: {string.Join(", ", names)}");
            exporters = exporters.Where(e => only.Contains(e.Name)).ToList();
        }

        var ctx = new ReportContext(result, folder) { Cost = costRequest is null ? null : CostAnalyzer.Analyze(result, costRequest) };
        foreach (var e in exporters)
            foreach (var f in e.Export(ctx))
                context.Out.WriteLine($"{e.Name,-9} {f}");
        return 0;
    }
}
