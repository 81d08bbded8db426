using InferenceEconomics.Metrics;
using System.Globalization;
using System.Net;
using System.Text;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Reporting;

/// <summary>
/// report.html: one self-contained file (inline CSS, charts as PNG data URIs, no scripts, no
/// network) with the scenario table, energy, cost when priced, the environment and every
/// honesty label. Readable offline and safe to mail around.
/// </summary>
internal sealed class HtmlExporter : IReportExporter
{
    public const string FileName = "report.html";

    public string Name => "html";

    public IReadOnlyList<string> Export(ReportContext context)
    {
        var path = Path.Combine(context.Folder, FileName);
        var charts = RunCharts.Build(context).Select(ChartImage.Render).ToList();
        AtomicFile.Write(path, Render(context, charts));
        return [path];
    }

    public static string Title(RunResult r) => $"InferenceEconomics report — {r.Model.Name} on {RunIdentity.HardwareOf(r)}";

    public static string Render(ReportContext ctx, IReadOnlyList<RenderedChart> charts)
    {
        var r = ctx.Result;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append($"<title>{E(Title(r))}</title>\n<style>{Css}</style>\n</head>\n<body>\n");
        sb.Append($"<h1>{E(Title(r))}</h1>\n");
        sb.Append($"<p class=\"sub\">{E(Words.Of(r.Model.Precision))}, {E(Words.Of(r.Engine.Name))} {E(r.Engine.Version)} ({E(r.Engine.ExecutionProvider)}, {E(r.Engine.Device.ToString())}) · run {E(r.RunId)} · started {E(Utc(r.StartedUtc))} · status {E(Words.Of(r.Status))}</p>\n");

        var notes = Notes.OfRun(r).Concat(ctx.Cost is null ? [] : NoteText.OfCost(ctx.Cost));
        sb.Append(NoteText.Html(notes));

        if (LoadMarkdown.HasLoad(r))
        {
            // Load levels: the same table as report.md, preformatted (its cells are already escaped for Markdown, and E() escapes HTML).
            sb.Append("<section><h2>Load levels</h2>\n<pre id=\"load-levels\">");
            sb.Append(E(LoadMarkdown.Render(r, ctx.LoadCost)));
            sb.Append("</pre>\n<p class=\"note\">Per level over its measured window (warm-up excluded); definitions: docs/metrics.md, \"Serving under load\".</p></section>\n");
        }
        else ScenarioTable(sb, r);
        ChartsSection(sb, charts, ctx);
        EnergySection(sb, r);
        if (ctx.Cost is { } cost) CostSection(sb, cost);
        EnvironmentSection(sb, r);
        sb.Append($"<footer>Written by {E(r.Tool.Name)} {E(r.Tool.Version)}{(r.Tool.GitCommit is { } g ? $" ({E(g)})" : "")}. Definitions: docs/metrics.md. Raw samples: result.json beside this file.</footer>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void ScenarioTable(StringBuilder sb, RunResult r)
    {
        sb.Append("<section><h2>Scenarios</h2>\n");
        sb.Append("<p class=\"note\">Medians over measured repetitions, ± the half-width of the 95% confidence interval of the median. ITL pools every decode step of every repetition.</p>\n");
        var columns = SummaryTable.TableColumns(r);
        sb.Append("<table id=\"scenarios\">\n<thead><tr>");
        foreach (var c in columns) sb.Append($"<th>{E(c.Header!)}</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in SummaryTable.Rows(r))
        {
            sb.Append($"<tr id=\"scenario-{E(row.Scenario.Id)}\" class=\"{(row.Scenario.Status == ScenarioStatus.Ok ? "ok" : "bad")}\">");
            foreach (var cell in SummaryTable.TableCells(row, columns)) sb.Append($"<td>{E(cell)}</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></section>\n");
    }

    private static void ChartsSection(StringBuilder sb, IReadOnlyList<RenderedChart> charts, ReportContext ctx)
    {
        sb.Append("<section id=\"charts\"><h2>Charts</h2>\n");
        if (charts.Count == 0) sb.Append("<p class=\"na\">No chart: no scenario finished.</p>\n");
        foreach (var c in charts)
        {
            sb.Append($"<figure id=\"chart-{E(c.Name)}\"><img class=\"chart\" alt=\"{E(c.Title)}\" width=\"{c.Width}\" height=\"{c.Height}\" src=\"data:image/png;base64,");
            sb.Append(Convert.ToBase64String(c.Png));
            sb.Append($"\"><figcaption>{E(c.Title)} (vector: charts/{E(c.Name)}.svg)</figcaption></figure>\n");
        }
        // Say what is missing rather than leaving a silent gap.
        if (!charts.Any(c => c.Name == "telemetry"))
            sb.Append($"<p class=\"na\" id=\"no-telemetry-chart\">Power and utilization over time: not measured ({E(string.Join("; ", Notes.OfTelemetry(ctx.Result).Select(n => n.Text).DefaultIfEmpty("no power or utilization series in the result")))}).</p>\n");
        if (ctx.Cost is null)
            sb.Append("<p class=\"na\" id=\"no-cost-chart\">Cost charts: no price given (run with --price-per-hour or --gpu, or see ./run.sh cost).</p>\n");
        sb.Append("</section>\n");
    }

    private static void EnergySection(StringBuilder sb, RunResult r)
    {
        sb.Append("<section id=\"energy\"><h2>Energy and telemetry</h2>\n");
        if (r.Telemetry is null)
        {
            sb.Append("<p class=\"na\">Power and utilization not measured: telemetry was off for this run.</p></section>\n");
            return;
        }
        sb.Append("<table id=\"sources\"><thead><tr><th>source</th><th>status</th><th>detail</th></tr></thead><tbody>\n");
        foreach (var s in r.Telemetry.Sources)
            sb.Append($"<tr><td>{E(s.Name)}</td><td>{(s.Available ? "measured" : "<span class=\"na\">not measured</span>")}</td><td>{E(s.Available ? s.Detail ?? "" : s.Reason ?? "")}</td></tr>\n");
        sb.Append("</tbody></table>\n");
        if (r.Telemetry.Idle is { } idle)
            sb.Append($"<p>Idle baseline: {F(idle.EndOffset - idle.StartOffset, "0.0")} s ({idle.Samples} samples), "
                + (idle.AveragePowerWatts.Count > 0 ? string.Join(", ", idle.AveragePowerWatts.Select(kv => $"{E(kv.Key)} {F(kv.Value, "0.0")} W")) : "no power source measured") + ".</p>\n");

        var rows = r.Scenarios.SelectMany(s => (s.Telemetry?.Phases ?? []).Select(p => (s, p))).ToList();
        if (rows.Count > 0)
        {
            sb.Append("<table id=\"phases\"><thead><tr><th>scenario</th><th>phase</th><th>source</th><th>method</th><th>seconds</th><th>gross J</th><th>net J</th><th>J/token</th><th>net J/token</th><th>avg W</th><th>peak W</th><th>avg util</th><th>samples</th></tr></thead><tbody>\n");
            foreach (var (s, p) in rows)
                sb.Append($"<tr><td>{E(s.Id)}</td><td>{E(Words.Of(p.Phase))}</td><td>{E(p.Source)}</td><td>{E(p.Method)}</td><td>{F(p.Seconds, "0.000")}</td><td>{F(p.GrossJoules, "0.0")}</td>"
                    + $"<td>{Opt(p.NetJoules, "0.0")}</td><td>{Opt(p.JoulesPerToken, "0.0000")}</td><td>{Opt(p.NetJoulesPerToken, "0.0000")}</td><td>{Opt(p.AverageWatts, "0.0")}</td>"
                    + $"<td>{Opt(p.PeakWatts, "0.0")}</td><td>{Opt(p.AverageUtilization, "0.0")}</td><td>{p.Samples}</td></tr>\n");
            sb.Append("</tbody></table>\n");
        }
        foreach (var w in r.Scenarios.SelectMany(s => (s.Telemetry?.Warnings ?? []).Select(w => $"{s.Id}: {w}")))
            sb.Append($"<p class=\"warn\">⚠ {E(w)}</p>\n");
        sb.Append("</section>\n");
    }

    private static void CostSection(StringBuilder sb, CostComparison c)
    {
        var s = c.SelfHosted;
        sb.Append("<section id=\"cost\"><h2>Cost</h2>\n");
        sb.Append($"<p>Scenario {E(c.ScenarioId)} (B={c.BatchSize}, P={c.PromptTokens}, G={c.GenTokens}); workload {E(c.Workload.Name)}: {c.Workload.InputTokens} input ({c.Workload.CachedInputTokens} cached) / {c.Workload.OutputTokens} output / {c.Workload.ReasoningTokens} reasoning tokens; {F(c.RequestsPerDay, "N0")} requests/day, peak/mean {F(c.PeakToMean, "0.##")}.</p>\n");
        sb.Append($"<p id=\"machine\">Machine: {E(CostMarkdown.MachineLine(c.Pricing))}</p>\n");
        sb.Append("<table id=\"selfhosted\"><tbody>\n");
        sb.Append($"<tr><th>input $/M tokens (full use)</th><td>{RunCharts.Money(s.InputCostPerMTokensFullUse)}</td></tr>\n");
        sb.Append($"<tr><th>output $/M tokens (full use)</th><td>{RunCharts.Money(s.OutputCostPerMTokensFullUse)}</td></tr>\n");
        sb.Append($"<tr><th>capacity per machine</th><td>{F(s.CapacityRequestsPerHour, "N0")} requests/h{(c.Capacity is { Measured: false } e0 ? $" (estimated for the workload from {E(e0.ScenarioId)}" + (e0.CapacityLow is { } lo ? $"; spread {F(lo, "N0")}..{F(e0.CapacityHigh!.Value, "N0")})" : ")") : "")}</td></tr>\n");
        if (c.Choice is { } ch) sb.Append($"<tr><th>scenario chosen</th><td>{E(ch.Reason)}{(ch.BindingBound is { } bb ? $"; binding: {E(bb)}" : "")}{(ch.Basis == "slo" ? $"; next batch size: {E(ch.NextScenarioId ?? "")} {E(string.Join("; ", ch.NextViolations))}" : "")}</td></tr>\n");
        if (c.TrafficBasis != "requests_per_day") sb.Append($"<tr><th>traffic</th><td>{(c.TrafficBasis == "utilization" ? $"derived from the given utilization {F(c.UtilizationGiven ?? 0, "0.###")}" : "assumed: one machine 100% busy")}</td></tr>\n");
        sb.Append($"<tr><th>machines</th><td>{s.Machines}</td></tr>\n");
        sb.Append($"<tr><th>utilization</th><td>{F(s.Utilization * 100, "0.0")}%</td></tr>\n");
        sb.Append($"<tr><th>monthly cost</th><td>{RunCharts.Money(s.MonthlyCost)}</td></tr>\n");
        sb.Append($"<tr><th>cost per request</th><td>{RunCharts.Money(s.CostPerRequest)}</td></tr>\n");
        if (s.EnergyCostPerMOutputTokens is { } e) sb.Append($"<tr><th>energy $/M output tokens</th><td>{RunCharts.Money(e)} ({(s.EnergyBasis == "inside_price" ? "already inside the $/h above, not extra" : "for information: the rent already pays for power")})</td></tr>\n");
        sb.Append("</tbody></table>\n");
        sb.Append("<table id=\"api\"><thead><tr><th>API</th><th>$/request</th><th>$/month</th><th>API / self-hosted</th><th>self-hosting cheaper (requests/month)</th><th>break-even utilization</th><th>prices seen</th><th>notes</th></tr></thead><tbody>\n");
        foreach (var a in c.Api)
            sb.Append($"<tr><td>{E(a.Provider)} {E(a.Model)}</td><td>{MoneyOpt(a.CostPerRequest)}</td><td>{MoneyOpt(a.MonthlyCost)}</td><td>{Opt(a.ApiToSelfHostedRatio, "0.00")}</td>"
                + $"<td>{(a.BreakEvenIntervals.Count > 0 ? E(CostMarkdown.IntervalsText(a.BreakEvenIntervals)) : a.ExceedsContext ? "<span class=\"na\">exceeds context</span>" : a.CostPerRequest is null ? "<span class=\"na\">unknown</span>" : "<span class=\"na\">never</span>")}</td><td>{(a.BreakEvenUtilization is { } u ? F(u * 100, "0.0") + "%" : "")}</td><td>{E(a.PriceSeen ?? "?")}</td><td>{E(string.Join("; ", a.Notes))}</td></tr>\n");
        sb.Append("</tbody></table>\n");
        if (c.Task is { } t)
        {
            sb.Append($"<h3>Cost per completed task: {E(t.Workload)}</h3>\n<p>{t.CallsPerTask} calls per attempt, {F(t.RetryRate * 100, "0.#")}% retried, {F(t.SuccessRate * 100, "0.#")}% of attempts succeed: {F(t.ExpectedCallsPerCompletedTask, "0.###")} calls per completed task.</p>\n");
            sb.Append("<table id=\"task\"><thead><tr><th>option</th><th>$/call</th><th>$/completed task</th></tr></thead><tbody>\n");
            sb.Append($"<tr><td>self-hosted</td><td>{RunCharts.Money(t.SelfHostedPerCall)}</td><td>{RunCharts.Money(t.SelfHostedPerTask)}</td></tr>\n");
            foreach (var a in t.Api) sb.Append($"<tr><td>{E(a.Provider)} {E(a.Model)}</td><td>{MoneyOpt(a.PerCall)}</td><td>{MoneyOpt(a.PerTask)}</td></tr>\n");
            sb.Append("</tbody></table>\n");
        }
        if (c.Conversation is { } cv)
        {
            sb.Append($"<h3>Cost per conversation: {E(cv.Workload)}</h3>\n<p>{cv.Turns.Count} turns {F(cv.TurnSpacingSeconds, "0.#")} s apart, the whole history resent each turn; API cache lifetime {F(cv.CacheTtlSeconds, "0")} s; self-hosted at batch {cv.BatchSize}.</p>\n");
            sb.Append("<table id=\"conversation\"><thead><tr><th>turn</th><th>context tokens</th><th>new tokens</th><th>self-hosted</th><th>self-hosted, KV reuse</th>");
            foreach (var a in cv.Api) sb.Append($"<th>{E(a.Model)} cached</th><th>{E(a.Model)} uncached</th>");
            sb.Append("</tr></thead><tbody>\n");
            for (int i = 0; i < cv.Turns.Count; i++)
            {
                var sh = cv.SelfHosted[i];
                sb.Append($"<tr><td>{cv.Turns[i].Turn}</td><td>{F(cv.Turns[i].ContextTokens, "N0")}</td><td>{F(cv.Turns[i].NewTokens, "N0")}</td><td>{RunCharts.Money(sh.Dollars)}{(sh.PrefillMeasured ? "" : " (est.)")}</td><td>{(sh.KvReuseDollars is { } kv ? RunCharts.Money(kv) : "<span class=\"na\">not measured</span>")}</td>");
                foreach (var a in cv.Api) sb.Append($"<td>{MoneyOpt(a.CachedDollars[i])}</td><td>{MoneyOpt(a.UncachedDollars[i])}</td>");
                sb.Append("</tr>\n");
            }
            sb.Append($"<tr><th>total</th><td></td><td></td><td>{RunCharts.Money(cv.SelfHostedTotal)}</td><td>{(cv.SelfHostedKvReuseTotal is { } kt ? RunCharts.Money(kt) : "<span class=\"na\">not measured</span>")}</td>");
            foreach (var a in cv.Api) sb.Append($"<td>{MoneyOpt(a.CachedTotal)}</td><td>{MoneyOpt(a.UncachedTotal)}</td>");
            sb.Append("</tr>\n</tbody></table>\n");
        }
        sb.Append("</section>\n");
        if (c.Frontier is { } frontier) sb.Append(FrontierMarkdown.RenderHtml(frontier, c.Choice?.Basis == "slo" ? c.ScenarioId : null));
    }

    private static void EnvironmentSection(StringBuilder sb, RunResult r)
    {
        var env = r.Environment;
        var m = r.Model;
        var rows = new List<(string, string)>
        {
            ("host", env.Host), ("OS", env.Os), ("CPU", $"{env.CpuModel} ({env.LogicalCores} logical cores)"),
            ("memory", env.MemoryBytes is { } mem ? F(mem / 1073741824.0, "0.0") + " GiB" : "unknown"),
            (".NET", env.DotnetVersion), ("ONNX Runtime", env.OrtVersion ?? "—"), ("ORT GenAI", env.GenAiVersion ?? "—"),
        };
        foreach (var (g, i) in env.Gpus.Select((g, i) => (g, i)))
            rows.Add(($"GPU {i}", $"{g.Name}; driver {g.DriverVersion ?? "?"}, CUDA {g.CudaDriverVersion ?? "?"}"
                + (g.MemoryTotalBytes is { } gm ? $", {F(gm / 1073741824.0, "0")} GiB" : "") + (g.PowerLimitWatts is { } pl ? $", power limit {F(pl, "0")} W" : "")));
        if (env.Gpus.Count == 0) rows.Add(("GPU", "none detected"));
        rows.Add(("engine", $"{Words.Of(r.Engine.Name)} {r.Engine.Version}, {r.Engine.ExecutionProvider} on {r.Engine.Device}"));
        rows.Add(("model", $"{m.Name}{(m.Synthetic ? $" — synthetic weights{(m.SyntheticOf is { } of ? $", shape of {of}" : "")}" : "")} ({m.Path})"));
        rows.Add(("shape", RunIdentity.ShapeOf(m) + $", context {m.ContextLength}, {Words.Of(m.Attention)}"));
        rows.Add(("precision", $"{Words.Of(m.Precision)} weights, {Words.Of(m.IoDType)} activations"));
        if (m.ParameterCount is { } pc) rows.Add(("parameters", F(pc / 1e9, "0.00") + " B"));
        if (m.WeightBytes is { } wb) rows.Add(("weight bytes", F(wb / 1048576.0, "N0") + " MiB"));
        var c = r.Config;
        rows.Add(("sweep", $"batch {string.Join(",", c.BatchSizes)} × prompt {string.Join(",", c.PromptTokens)} × gen {string.Join(",", c.GenTokens)}; warm-up {c.WarmupRepetitions}, repetitions {c.MinRepetitions}–{c.MaxRepetitions}, budget {F(c.TimeBudgetSeconds, "0.#")} s, CI target ±{F(c.CiTarget * 100, "0.#")}%"));
        rows.Add(("tool", $"{r.Tool.Name} {r.Tool.Version}{(r.Tool.GitCommit is { } gc ? $" ({gc})" : "")}"));
        sb.Append("<section id=\"environment\"><h2>Environment</h2>\n<table id=\"env\"><tbody>\n");
        foreach (var (k, v) in rows) sb.Append($"<tr><th>{E(k)}</th><td>{E(v)}</td></tr>\n");
        sb.Append("</tbody></table></section>\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
    private static string Opt(double? v, string format) => v is { } d ? F(d, format) : "<span class=\"na\">—</span>";
    private static string MoneyOpt(double? v) => v is { } d ? RunCharts.Money(d) : "<span class=\"na\">unknown</span>";
    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
        h1{font-size:1.5em;margin-bottom:.2em}.sub{color:#555;margin-top:0}
        .labels{background:#fff3f0;border:1px solid #c0392b;border-radius:6px;padding:.3em 1em;color:#8b1a10;font-weight:600}
        .labels ul{margin:.4em 0;padding-left:1em;list-style:none}
        table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.9em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
        th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}#env td,#env th,#selfhosted th{text-align:left}
        tr.bad td{background:#fdecea}.na{color:#999;font-style:italic}.note{color:#555;font-size:.9em}.warn{color:#8b1a10}
        small{color:#777}#charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,900px),1fr));gap:1.5em}#charts h2{grid-column:1/-1}figure{margin:0}img.chart{max-width:100%;height:auto;border:1px solid #ddd}
        figcaption{color:#555;font-size:.9em}footer{margin-top:2em;color:#777;font-size:.85em}
        """;
}
