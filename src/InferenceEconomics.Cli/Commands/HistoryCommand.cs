using System.Globalization;
using System.Text;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>history: past runs as a table, and a trend chart of one metric grouped by hardware.</summary>
public sealed class HistoryCommand : ICliCommand
{
    public string Name => "history";
    public string Summary => "list past runs and chart a metric over time";
    public string Help => """
        Usage: ./run.sh history [--model M] [--gpu G] [--host H] [--precision P] [--engine E] [--since DATE]
                                [--until DATE] [--results DIR | --store URL|PATH] [--metric decode_tps]
                                [--batch N] [--prompt N] [--gen N] [--out DIR]
          Filters match exactly (case and surrounding spaces ignored): "phi" does not match "phi-3-mini".
          --model M      runs of model M: its name, the real model a synthetic one copies, or the --model given
          --gpu G        "cpu" for CPU runs; a GPU as NVML names it ("NVIDIA H100 80GB HBM3"), a hardware
                         catalog id or alias (h100 = h100-sxm, h200, l40s), or the run's hardware label
          --host H       runs recorded on host H
          --precision P  fp32, fp16, int4          --engine E   genai, ort
          --since DATE   runs started on or after DATE (2026-11-01 or an ISO 8601 time, UTC)
          --until DATE   runs started before DATE (a date alone: up to the end of that day, UTC)
          --results DIR  read run folders in DIR (default results/, or the store when IE_STORE is set)
        """ + "\n" + StoreCli.OptionHelp + "\n" + """
          --metric M     prefill_tps, decode_tps (default), output_tps, ttft, itl_p50, itl_p99, tpot,
                         e2e, prefill_j_per_token, decode_j_per_token
          --batch/--prompt/--gen   pick the scenario (default: the one present in most runs)
          --out DIR      where the trend chart goes (default <results>/history)
        When no run matches, one line says so ("no runs match ...") and the exit code is 0.
        """;
    public IReadOnlyList<string> Examples => ["./run.sh history --model phi-3-mini --metric decode_tps"];

    public int Run(CliArgs args, CliContext context)
    {
        var metricName = args.String("--metric", "decode_tps");
        var metric = ScenarioMetrics.Find(metricName) ?? throw CliArgs.Usage(
            $"unknown metric '{metricName}'{Common.Suggest.DidYouMean(metricName, ScenarioMetrics.All.Select(m => m.Name))}; known: {string.Join(", ", ScenarioMetrics.All.Select(m => m.Name))}");
        var sinceText = args.String("--since");
        var filter = new HistoryFilter
        {
            Model = args.String("--model"),
            Gpu = args.String("--gpu"),
            Host = args.String("--host"),
            Precision = args.String("--precision"),
            Engine = args.String("--engine"),
            Until = args.String("--until") is { } until ? RunHistory.ParseUntil(until) ?? throw CliArgs.Usage($"--until '{until}' is not a date; write 2026-11-01 or an ISO 8601 time") : null,
            Since = sinceText is null ? null : RunHistory.ParseSince(sinceText) ?? throw CliArgs.Usage($"--since '{sinceText}' is not a date; write 2026-11-01 or an ISO 8601 time"),
            BatchSize = args.Int("--batch", 1),
            PromptTokens = args.Int("--prompt", 1),
            GenTokens = args.Int("--gen", 1),
        };
        var resultsOption = args.String("--results");
        var storeOption = args.String("--store");
        var resultsDir = resultsOption ?? context.Paths.ResultsDir;
        var outDir = args.String("--out");
        args.EnsureAllUsed();
        if (args.Positionals.Count > 0) throw CliArgs.Usage($"history takes no positional argument ('{args.Positionals[0]}'); use --model, --gpu, --since");

        using var source = StoreCli.OpenSource(storeOption, resultsOption, context);
        var h = source.History(metric, filter);
        foreach (var s in h.Skipped) context.Error.WriteLine($"warning: skipped {s.Folder}: {s.Reason}");
        if (h.Entries.Count == 0)
        {
            context.Out.WriteLine(filter.Describe() is { Length: > 0 } d ? $"no runs match {d} in {source.Description}" : $"no runs in {source.Description}");
            return 0;
        }

        context.Out.Write(RenderTable(h));
        if (HistoryChart.Build(h) is { } spec)
        {
            var chart = ChartImage.Render(spec);
            var dir = outDir ?? Path.Combine(resultsDir, "history");
            var png = Path.Combine(dir, chart.Name + ".png");
            ResultStore.WriteAtomic(png, chart.Png);
            ResultStore.WriteAtomic(Path.Combine(dir, chart.Name + ".svg"), chart.Svg);
            context.Out.WriteLine($"trend chart: {png} (and .svg)");
        }
        else context.Out.WriteLine($"no trend chart: no run has {metric.Name} at {h.ScenarioKey ?? "a common scenario"}");
        return 0;
    }

    internal static string RenderTable(HistoryReport h)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{h.Entries.Count} run(s) under {h.ResultsDir}; {h.Metric.Name} at {h.ScenarioKey ?? "-"} ({h.Metric.Description})");
        var rows = new List<string[]> { new[] { "started (UTC)", "hardware", "host", "model", "precision", "engine", "device", "scen.", "status", h.Metric.Name, "run" } };
        foreach (var e in h.Entries)
            rows.Add([
                e.Run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), e.Run.Hardware, e.Run.Host,
                e.Run.Model + (e.Run.SyntheticWeights ? " (synthetic)" : ""), e.Run.Precision, e.Run.Engine, e.Run.Device,
                e.Scenarios.ToString(CultureInfo.InvariantCulture), e.Status,
                e.Value is { } v ? ComparisonText.Format(v, h.Metric.Unit) : "—", Path.GetFileName(e.Folder),
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
