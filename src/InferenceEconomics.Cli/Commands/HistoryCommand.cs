using System.Globalization;
using System.Text;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Metrics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;
using InferenceEconomics.Results.History;

namespace InferenceEconomics.Cli.Commands;

public sealed class HistoryCommandSettings
{
    public HistoryFilter Filter { get; set; } = new();
    public Metric Metric { get; set; } = MetricCatalog.DecodeTps;
    /// <summary>Where the runs are; null: the project's results/.</summary>
    public string? Results { get; set; }
    /// <summary>Where the trend chart goes; null: &lt;results&gt;/history.</summary>
    public string? Out { get; set; }
}

/// <summary>history: past runs as a table, and a trend chart of one metric grouped by hardware.</summary>
public sealed class HistoryCommand : CliCommand<HistoryCommandSettings>
{
    public override string Name => "history";
    public override string Summary => "list past runs and chart a metric over time";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Command} history --model phi-3-mini --metric decode_tps"];

    public HistoryCommand()
    {
        Option(s => s.Filter.Model, "--model", "M", "runs whose model (or the model a synthetic one copies) contains M");
        Option(s => s.Filter.Gpu, "--gpu", "G", "runs on a GPU whose name contains G (\"cpu\" for CPU runs)");
        Option(s => s.Filter.Since, "--since", "DATE", "runs started on or after DATE (2026-11-01 or an ISO 8601 time, UTC)",
            (name, t) => RunHistory.ParseSince(t) ?? throw ValueParsers.Usage($"{name} '{t}' is not a date; write 2026-11-01 or an ISO 8601 time"));
        Option(s => s.Metric, "--metric", "M", "the metric to chart", (name, t) => CompareCommand.ParseMetrics(name, t) is [var one] ? one
            : throw ValueParsers.Usage($"{name} takes one metric"), choices: MetricCatalog.Nameable.Select(m => m.Id).ToList(), show: m => m.Id);
        Option(s => s.Filter.BatchSize, "--batch", "N", "the scenario's batch size", defaultText: "the scenario present in most runs");
        Option(s => s.Filter.PromptTokens, "--prompt", "N", "the scenario's prompt length");
        Option(s => s.Filter.GenTokens, "--gen", "N", "the scenario's generated length");
        Option(s => s.Results, "--results", "DIR", "where the runs are", defaultText: "results/ in the project");
        Option(s => s.Out, "--out", "DIR", "where the trend chart goes", defaultText: "<results>/history");
    }

    protected override int Execute(HistoryCommandSettings s, CliContext context)
    {
        var resultsDir = s.Results ?? context.Paths.ResultsDir;
        if (!Directory.Exists(resultsDir))
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"no results folder at '{resultsDir}'; run {EntryPoint.Command} first or pass --results DIR");

        var h = RunHistory.Load(resultsDir, s.Metric, s.Filter);
        // Folders that are not readable runs: counted, the first few named (a results folder may hold thousands).
        if (h.Skipped.Count > 0)
            context.Error.WriteLine($"warning: skipped {h.Skipped.Count} folder(s) that are not readable runs: " +
                string.Join("; ", h.Skipped.Take(3).Select(x => $"{Path.GetFileName(x.Folder)} ({x.Reason})")) + (h.Skipped.Count > 3 ? "; ..." : ""));
        if (h.Entries.Count == 0)
        {
            context.Out.WriteLine($"no runs under {resultsDir} match the filter");
            return 0;
        }

        context.Out.Write(RenderTable(h));
        if (HistoryChart.Build(h) is { } spec)
        {
            var chart = ChartImage.Render(spec);
            var dir = s.Out ?? Path.Combine(resultsDir, "history");
            var png = Path.Combine(dir, chart.Name + ".png");
            ResultStore.WriteAtomic(png, chart.Png);
            ResultStore.WriteAtomic(Path.Combine(dir, chart.Name + ".svg"), chart.Svg);
            context.Out.WriteLine($"trend chart: {png} (and .svg)");
        }
        else context.Out.WriteLine($"no trend chart: no run has {s.Metric.Id} at {h.ScenarioKey ?? "a common scenario"}");
        return 0;
    }

    internal static string RenderTable(HistoryReport h)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{h.Entries.Count} run(s) under {h.ResultsDir}; {h.Metric.Id} at {h.ScenarioKey ?? "-"} ({h.Metric.Definition})");
        var rows = new List<string[]> { new[] { "started (UTC)", "hardware", "host", "model", "precision", "engine", "device", "scen.", "status", h.Metric.Id, "run" } };
        foreach (var e in h.Entries)
            rows.Add([
                e.Run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), e.Run.Hardware, e.Run.Host,
                e.Run.Model + (e.Run.SyntheticWeights ? " (synthetic)" : ""), Words.Of(e.Run.Precision), Words.Of(e.Run.Engine), e.Run.Device.ToString(),
                e.Scenarios.ToString(CultureInfo.InvariantCulture), Words.Of(e.Status),
                e.Value is { } v ? h.Metric.Unit.Format(v) : "—", Path.GetFileName(e.Folder),
            ]);
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        for (int k = 0; k < rows.Count; k++)
        {
            sb.AppendLine(string.Join("  ", rows[k].Select((c, i) => i == 9 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
            if (k == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return sb.ToString();
    }
}
