using System.Globalization;
using System.Text;
using InferenceEconomics.Load;
using InferenceEconomics.Metrics;

namespace InferenceEconomics.Reporting;

/// <summary>The load levels of a run as one table (level, throughput, latency percentiles, goodput, failures, $/M), and the pricing basis.</summary>
public static class LoadMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static bool HasLoad(RunResult r) => r.Scenarios.Any(s => s.Kind == ScenarioKind.Load);

    public static string Render(RunResult run, LoadCost? cost = null)
    {
        var sb = new StringBuilder();
        var levels = run.Scenarios.Where(s => s.Kind == ScenarioKind.Load).ToList();
        if (run.Endpoint is { } e)
            sb.Append(CultureInfo.InvariantCulture, $"Endpoint {MarkdownText.Inline(e.Url)}, model {MarkdownText.Inline(e.ServedModel)}, /v1/{(e.Api == LoadApi.Chat ? "chat/completions" : "completions")}, ")
              .Append(e.TokenIdPrompts ? "token-id prompts (exact length)" : "text prompts (approximate length)")
              .Append(e.ServerInfo is { } info ? $"; server says: {MarkdownText.Inline(info)}" : "").Append("\n\n");
        var header = new List<string> { "level", "sent", "ok", "req/s", "out tok/s", "total tok/s" };
        foreach (var m in new[] { "TTFT", "ITL", "TPOT", "E2EL" }) header.Add($"{m} p50/p90/p99 ms");
        header.AddRange(["goodput req/s", "errors"]);
        if (cost is not null) header.AddRange(["per-user tok/s", "$/M out", "$/M total", "frontier"]);
        var table = new MarkdownTable([.. header]);
        for (int i = 1; i < header.Count; i++) table.RightAligned[i] = header[i] is not ("errors" or "frontier");
        foreach (var s in levels)
        {
            var l = s.Load;
            var row = new List<string>
            {
                s.Id, (l?.Requests.Count ?? 0).ToString(Inv), (l?.Completed ?? 0).ToString(Inv),
                V(MetricCatalog.RequestThroughput, s, "0.###"), V(MetricCatalog.ServedOutputTps, s, "0.0"), V(MetricCatalog.ServedTotalTps, s, "0.0"),
            };
            foreach (var m in new[] { MetricCatalog.Ttft, MetricCatalog.Itl, MetricCatalog.Tpot, MetricCatalog.E2e })
                row.Add(string.Join(" / ", new[] { Stat.Median, Stat.P90, Stat.P99 }.Select(st => m.Value(s, st) is { } v ? (v * 1000).ToString("0.#", Inv) : "-")));
            row.Add(l?.Slo is null ? "no SLO" : V(MetricCatalog.GoodputRps, s, "0.###"));
            row.Add(l is null ? "-" : LoadOrchestrator.ErrorsText(l));
            if (cost is not null)
            {
                var c = cost.Levels.FirstOrDefault(x => x.ScenarioId == s.Id);
                row.Add(c?.PerUserTps is { } u ? u.ToString("0.0", Inv) : "-");
                row.Add(Dollars(c?.OutputDollarsPerM));
                row.Add(Dollars(c?.TotalDollarsPerM));
                row.Add(c?.Pareto == true ? "★" : "");
            }
            table.Add([.. row.Select(c => c == s.Id ? MarkdownText.Inline(c) : c == LoadErrorsCell(s) ? MarkdownText.Inline(c) : c)]);
        }
        sb.Append(table);
        var open = levels.Where(s => s.Load?.SendLatenessP99Seconds is not null).ToList();
        if (open.Count > 0)
            sb.Append("\nOpen-loop send lateness (p50 / p99 ms): ")
              .Append(string.Join(", ", open.Select(s => $"{s.Id} {(s.Load!.SendLatenessP50Seconds!.Value * 1000).ToString("0.##", Inv)} / {(s.Load.SendLatenessP99Seconds!.Value * 1000).ToString("0.##", Inv)}"))).Append('\n');
        if (cost is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\nDeployment: {MarkdownText.Inline(cost.Machine)} (${cost.DollarsPerHour.ToString("0.00##", Inv)}/h). ");
            sb.Append(MarkdownText.Inline(cost.CapacityBasis));
            if (cost.CapacityOutputDollarsPerM is { } d) sb.Append(CultureInfo.InvariantCulture, $": **{Dollars(d)} per million output tokens**");
            sb.Append(".\n");
            sb.Append("per-user tok/s = 1 / median TPOT; frontier ★: no other level is both faster per user and cheaper per output token.\n");
            foreach (var label in cost.Labels) sb.Append("- ").Append(MarkdownText.Inline(label)).Append('\n');
        }
        return sb.ToString();
    }

    private static string LoadErrorsCell(ScenarioResult s) => s.Load is null ? "-" : LoadOrchestrator.ErrorsText(s.Load);

    private static string V(Metric m, ScenarioResult s, string format) => m.Value(s, Stat.Value) is { } v ? v.ToString(format, Inv) : "-";

    private static string Dollars(double? d) => d is { } v ? "$" + v.ToString(v >= 100 ? "0" : v >= 1 ? "0.00" : "0.0000", Inv) : "-";
}
