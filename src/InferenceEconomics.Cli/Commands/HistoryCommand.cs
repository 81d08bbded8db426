using System.Globalization;
using System.Text;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Metrics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;
using InferenceEconomics.Results.History;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

internal sealed class HistoryCommandSettings
{
    public HistoryFilter Filter { get; set; } = new();
    public Metric Metric { get; set; } = MetricCatalog.DecodeTps;
    /// <summary>Run folders to read; null: the store when one is named (--store, IE_STORE), else the project's results/.</summary>
    public string? Results { get; set; }
    public string? Store { get; set; }
    /// <summary>Where the trend chart goes; null: &lt;results&gt;/history.</summary>
    public string? Out { get; set; }
}

/// <summary>history: past runs as a table, and a trend chart of one metric grouped by hardware.</summary>
internal sealed class HistoryCommand : CliCommand<HistoryCommandSettings>
{
    public override string Name => "history";
    public override string Summary => "list past runs and chart a metric over time";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} history --model phi-3-mini --metric decode_tps"];

    public HistoryCommand()
    {
        Option(s => s.Filter.Model, "--model", "M", "runs of model M: its name, the real model a synthetic one copies, or the --model given (exact: \"phi\" is not \"phi-3-mini\")");
        Option(s => s.Filter.Gpu, "--gpu", "G", "\"cpu\" for CPU runs; a GPU as NVML names it, a hardware catalog id or alias (h100 = h100-sxm), or the run's hardware label");
        Option(s => s.Filter.Host, "--host", "H", "runs recorded on host H");
        Option(s => s.Filter.Precision, "--precision", "P", "fp32, fp16 or int4");
        Option(s => s.Filter.Engine, "--engine", "E", "genai or ort");
        Option(s => s.Filter.Since, "--since", "DATE", "runs started on or after DATE (2026-11-01 or an ISO 8601 time, UTC)",
            (name, t) => RunHistory.ParseSince(t) ?? throw ValueParsers.Usage($"{name} '{t}' is not a date; write 2026-11-01 or an ISO 8601 time"));
        Option(s => s.Filter.Until, "--until", "DATE", "runs started before DATE (a date alone: up to the end of that day, UTC)",
            (name, t) => RunHistory.ParseUntil(t) ?? throw ValueParsers.Usage($"{name} '{t}' is not a date; write 2026-11-01 or an ISO 8601 time"));
        Option(s => s.Metric, "--metric", "M", "the metric to chart", (name, t) => CompareCommand.ParseMetrics(name, t) is [var one] ? one
            : throw ValueParsers.Usage($"{name} takes one metric"), choices: MetricCatalog.Nameable.Select(m => m.Id).ToList(), show: m => m.Id);
        Option(s => s.Filter.BatchSize, "--batch", "N", "the scenario's batch size", defaultText: "the scenario present in most runs");
        Option(s => s.Filter.PromptTokens, "--prompt", "N", "the scenario's prompt length");
        Option(s => s.Filter.GenTokens, "--gen", "N", "the scenario's generated length");
        Option(s => s.Results, "--results", "DIR", "read run folders in DIR", defaultText: "the store when one is named, else results/ in the project");
        Option(s => s.Store, "--store", "URL|PATH", StoreCli.Help, defaultText: StoreCli.DefaultText);
        Option(s => s.Out, "--out", "DIR", "where the trend chart goes", defaultText: "<results>/history");
    }

    protected override int Execute(HistoryCommandSettings s, CliContext context)
    {
        var resultsDir = s.Results ?? context.Paths.ResultsDir;
        using var source = StoreCli.OpenSource(s.Store, s.Results, context);
        var h = source.History(s.Metric, s.Filter);
        // Folders that are not readable runs: counted, the first few named (a results folder may hold thousands).
        if (h.Skipped.Count > 0)
            context.Error.WriteLine(TerminalText.Clean($"warning: skipped {h.Skipped.Count} folder(s) that are not readable runs: " +
                string.Join("; ", h.Skipped.Take(3).Select(x => $"{Path.GetFileName(x.Folder)} ({x.Reason})")) + (h.Skipped.Count > 3 ? "; ..." : "")));
        if (h.Entries.Count == 0)
        {
            context.Out.WriteLine(s.Filter.Describe() is { Length: > 0 } d ? $"no runs match {d} in {source.Description}" : $"no runs in {source.Description}");
            return 0;
        }

        context.Out.Write(RenderTable(h));
        if (HistoryChart.Build(h) is { } spec)
        {
            var chart = ChartImage.Render(spec);
            var dir = s.Out ?? Path.Combine(resultsDir, "history");
            var png = Path.Combine(dir, chart.Name + ".png");
            AtomicFile.Write(png, chart.Png);
            AtomicFile.Write(Path.Combine(dir, chart.Name + ".svg"), chart.Svg);
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
                e.Scenarios.ToString(CultureInfo.InvariantCulture), e.Status,
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
