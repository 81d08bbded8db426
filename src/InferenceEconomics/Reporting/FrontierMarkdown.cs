using System.Globalization;
using System.Net;
using System.Text;
using InferenceEconomics.Economics;

namespace InferenceEconomics.Reporting;

/// <summary>
/// The interactivity frontier as a table (Markdown for report.md, `cost` and `frontier`; HTML for
/// report.html): per-user speed against $ per million tokens for every measured scenario.
/// </summary>
public static class FrontierMarkdown
{
    /// <summary>Column headers and cells, shared by the Markdown and HTML tables.</summary>
    public static (string[] Header, List<string[]> Rows, bool[] Right) Table(FrontierAnalysis f, string? pricedScenarioId = null)
    {
        bool severalSeries = f.Points.Select(p => p.Series).Distinct().Count() > 1;
        bool severalShapes = f.Points.Select(p => (p.PromptTokens, p.GenTokens)).Distinct().Count() > 1;
        bool energy = f.Points.Any(p => p.JoulesPerOutputToken is not null);
        bool energyCost = f.Points.Any(p => p.EnergyCostPerMOutput is not null);
        bool utilization = f.Points.Any(p => p.Utilization < 1);
        var header = new List<string>();
        if (severalSeries) header.Add("series");
        header.AddRange(["scenario", f.Points.Any(p => p.PointLabel is not null) ? "B / level" : "B"]);
        if (severalShapes) header.Add("P / G");
        header.AddRange(["per-user tok/s", "TTFT p50 ms", "output tok/s per device", "$/M input (full use)", "$/M output (full use)"]);
        if (utilization) header.Add("$/M in / out at traffic's use");
        if (energy) header.Add("J / output token");
        if (energyCost) header.Add("energy $/M output");
        header.Add("frontier");
        if (f.Slo is not null) header.Add("SLO");

        var rows = new List<string[]>();
        foreach (var p in f.Points.OrderBy(p => p.Series).ThenBy(p => p.PromptTokens).ThenBy(p => p.GenTokens).ThenBy(p => p.BatchSize))
        {
            var row = new List<string>();
            if (severalSeries) row.Add(p.Series);
            row.Add(p.ScenarioId + (p.ScenarioId == pricedScenarioId ? " (priced)" : ""));
            row.Add(p.PointLabel ?? p.BatchSize.ToString(CultureInfo.InvariantCulture));
            if (severalShapes) row.Add($"{p.PromptTokens} / {p.GenTokens}");
            row.Add(Num(p.PerUserTokensPerSecond));
            row.Add(Num(p.TtftSeconds * 1000));
            row.Add(Num(p.OutputTokensPerSecondPerDevice));
            // A load level has no prefill time of its own: its input tokens are not priced apart from the output.
            row.Add(p.InputCostPerMFullUse is { } inFull ? CostMarkdown.Money(inFull) : "n/a (load level)");
            row.Add(CostMarkdown.Money(p.OutputCostPerMFullUse));
            if (utilization) row.Add($"{(p.InputCostPerMAtUtilization is { } inUse ? CostMarkdown.Money(inUse) : "n/a")} / {CostMarkdown.Money(p.OutputCostPerMAtUtilization)} ({CostMarkdown.Percent(p.Utilization)})");
            if (energy) row.Add(p.JoulesPerOutputToken is { } j ? j.ToString(j >= 10 ? "0.0" : "0.####", CultureInfo.InvariantCulture) : "not measured");
            if (energyCost) row.Add(CostMarkdown.Money(p.EnergyCostPerMOutput));
            row.Add(p.OnFrontier ? "★" : "");
            if (f.Slo is not null) row.Add(p.MeetsSlo == true ? "meets" : "violates: " + string.Join("; ", p.SloViolations));
            rows.Add(row.ToArray());
        }
        var right = header.Select(h => h is not ("series" or "scenario" or "SLO" or "frontier" or "P / G")).ToArray();
        return (header.ToArray(), rows, right);
    }

    public static string Render(FrontierAnalysis f, string? pricedScenarioId = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Interactivity frontier: cost at the speed users get");
        sb.AppendLine();
        sb.AppendLine(Intro(f));
        sb.AppendLine();
        if (f.Points.Count == 0) { sb.AppendLine("No scenario to place on the frontier."); return sb.ToString(); }
        var (header, rows, right) = Table(f, pricedScenarioId);
        sb.Append(CostMarkdown.Table(header, rows, right));
        sb.AppendLine();
        foreach (var line in Notes(f)) sb.AppendLine(line);
        return sb.ToString();
    }

    /// <summary>The same table as HTML (for report.html).</summary>
    public static string RenderHtml(FrontierAnalysis f, string? pricedScenarioId = null)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<section id=\"frontier\"><h2>Interactivity frontier: cost at the speed users get</h2>\n");
        sb.Append($"<p class=\"note\">{E(Intro(f))}</p>\n");
        if (f.Points.Count > 0)
        {
            var (header, rows, _) = Table(f, pricedScenarioId);
            sb.Append("<table id=\"frontier-table\"><thead><tr>");
            foreach (var h in header) sb.Append($"<th>{E(h)}</th>");
            sb.Append("</tr></thead><tbody>\n");
            foreach (var r in rows)
            {
                sb.Append("<tr>");
                foreach (var cell in r) sb.Append($"<td>{E(cell)}</td>");
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody></table>\n");
        }
        foreach (var line in Notes(f)) sb.Append($"<p class=\"note\">{E(line.TrimStart('-', ' '))}</p>\n");
        sb.Append("</section>\n");
        return sb.ToString();
    }

    private static string Intro(FrontierAnalysis f)
    {
        var prices = f.Points.Select(p => p.DollarsPerHour).Distinct().ToList();
        string price = prices.Count == 1 ? $"the same price ({CostMarkdown.Money(prices[0])}/hour)" : "each run's price";
        string text = $"Every measured scenario at {price}, at its own prompt and generated tokens. Per-user tok/s = 1 / TPOT (median); output tok/s per device = the machine's B x G / e2e over its devices; " +
                      $"$/M by time attribution at full use, and at the traffic's use ({f.UtilizationBasis}). " +
                      "★ = on the Pareto frontier: no other point of the same shape is both faster per user and cheaper per output token. A larger batch lowers $/token and slows every user.";
        text += f.Slo is null
            ? " No SLO given: the cost table prices one point (the highest capacity); choose a speed here, or give an SLO (e.g. ttft_p90<=500ms,itl_p99<=50ms,per_user_tps>=20) to price the cheapest point that meets it."
            : $" SLO {f.Slo}: each point meets it or says which bounds it violates.";
        return text;
    }

    private static IEnumerable<string> Notes(FrontierAnalysis f)
    {
        if (f.Api.Count > 0)
            yield return "API output prices for comparison ($/M output tokens): " +
                         string.Join(", ", f.Api.Select(a => $"{a.Name} {CostMarkdown.Money(a.OutputPerMTokens)}{(a.Uncertain ? " [?]" : "")}{(a.PricedZeroInSource ? " (priced $0 in source)" : "")} (seen {a.Seen})")) + ".";
        if (f.Points.Any(p => p.SyntheticWeights)) yield return "Synthetic weights: the speed is real for the shape; outputs are not.";
        foreach (var l in f.Labels) yield return $"- {l}";
    }

    private static string Num(double v) => v.ToString(v >= 100 ? "N0" : v >= 10 ? "0.0" : "0.##", CultureInfo.InvariantCulture);
}
