using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

/// <summary>report: re-renders every report format of a finished run from its result.json.</summary>
public sealed class ReportCommand : ICliCommand
{
    public string Name => "report";
    public string Summary => "re-render a run's reports (Markdown, CSV, HTML, charts)";
    public string Help => """
        Usage: ./run.sh report <run folder | result.json> [--only markdown,csv,charts,html] [cost options]
          Writes report.md, scenarios.csv, report.html and charts/*.png|svg beside result.json.
          --only    a comma list of exporters to run (default: all)
          With a machine price (--gpu, --price-per-hour or --capex) the reports get the cost section
          and the cost charts (cost per million tokens vs APIs, monthly cost vs volume, the interactivity frontier).

        """ + CostOptions.HelpText;
    public IReadOnlyList<string> Examples => ["./run.sh report results/<run>", "./run.sh report results/<run> --gpu h100-sxm --requests-per-day 20000"];

    public int Run(CliArgs args, CliContext context)
    {
        var only = args.StringList("--only");
        var costRequest = CostOptions.Parse(args);
        args.EnsureAllUsed();
        if (args.Positionals.Count != 1)
            throw CliArgs.Usage($"report needs one run folder or result.json (got {args.Positionals.Count}); see ./run.sh report --help");

        var arg = RunArgument.Resolve(args.Positionals[0], context);
        var result = ResultStore.Load(arg);
        var folder = Directory.Exists(arg) ? arg : Path.GetDirectoryName(Path.GetFullPath(arg))!;

        var exporters = Exporters.Default;
        if (only is not null)
        {
            var names = exporters.Select(e => e.Name).ToList();
            foreach (var n in only)
                if (!names.Contains(n))
                    throw CliArgs.Usage($"unknown exporter '{n}'{Common.Suggest.DidYouMean(n, names)}; known: {string.Join(", ", names)}");
            exporters = exporters.Where(e => only.Contains(e.Name)).ToList();
        }

        var ctx = new ReportContext(result, folder) { Cost = costRequest is null ? null : CostOptions.Mapped(() => CostAnalyzer.Analyze(result, costRequest)) };
        foreach (var e in exporters)
            foreach (var f in e.Export(ctx))
                context.Out.WriteLine($"{e.Name,-9} {f}");
        return 0;
    }
}
