using System.Globalization;
using InferenceEconomics.Economics;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using ScottPlot;

namespace InferenceEconomics.Reporting.Charts;

/// <summary>
/// The charts of one run. Each is present only when the result holds its data: throughput and
/// latency whenever a scenario succeeded, telemetry when power or utilization was sampled, the
/// two cost charts when the report was given a cost analysis.
/// </summary>
public static class RunCharts
{
    public static IReadOnlyList<ChartSpec> Build(ReportContext ctx)
    {
        var r = ctx.Result;
        var runLabels = HonestyLabels.ForRun(r);
        var ok = r.Scenarios.Where(s => s.Status == "ok" && s.Repetitions.Count > 0).ToList();
        var list = new List<ChartSpec>();
        if (ok.Count > 0)
        {
            list.Add(ThroughputVsBatch("prefill_tps", "Prefill throughput vs batch size", ScenarioMetrics.PrefillTps, ok, r, runLabels));
            list.Add(ThroughputVsBatch("decode_tps", "Decode throughput vs batch size", ScenarioMetrics.DecodeTps, ok, r, runLabels));
            list.Add(LatencyVsBatch(ok, r, runLabels));
        }
        if (r.Telemetry is { Series.Count: > 0 } t && TelemetryOverTime(r, t, runLabels) is { } tel) list.Add(tel);
        if (ctx.Cost is { } cost)
        {
            var costLabels = HonestyLabels.ForCost(ctx);
            list.Add(CostPerMillion(cost, costLabels));
            if (MonthlyCostVsVolume(cost, costLabels) is { } be) list.Add(be);
            if (cost.Frontier is { } frontier && FrontierChart.Build(frontier, [.. runLabels, .. frontier.Labels]) is { } fc) list.Add(fc);
        }
        return list;
    }

    /// <summary>One line per (prompt length, generated length): metric median against batch size.</summary>
    private static ChartSpec ThroughputVsBatch(string name, string title, MetricDefinition metric, List<ScenarioResult> ok, RunResult r, IReadOnlyList<string> labels)
    {
        var plot = NewPlot($"{title} — {r.Model.Name}", "batch size (sequences)", "tokens per second", labels, Subtitle(r));
        bool severalG = ok.Select(s => s.GenTokens).Distinct().Count() > 1;
        foreach (var g in ok.GroupBy(s => (s.PromptTokens, s.GenTokens)).OrderBy(g => g.Key.PromptTokens).ThenBy(g => g.Key.GenTokens))
        {
            var pts = g.OrderBy(s => s.BatchSize).Select(s => (x: (double)s.BatchSize, y: ScenarioMetrics.Value(metric, s))).Where(p => p.y is not null).ToList();
            if (pts.Count == 0) continue;
            var line = plot.Add.Scatter(pts.Select(p => p.x).ToArray(), pts.Select(p => p.y!.Value).ToArray());
            line.LegendText = severalG ? $"P={g.Key.PromptTokens} G={g.Key.GenTokens}" : $"prompt {g.Key.PromptTokens} tokens";
            line.MarkerSize = 7;
        }
        BatchTicks(plot, ok);
        ZeroBasedYWithLegend(plot);
        return new ChartSpec(name, title, plot, ChartImage.DefaultWidth, HeightFor(labels));
    }

    /// <summary>TTFT median, ITL p50 and ITL p99 (milliseconds) against batch size, per prompt length.</summary>
    private static ChartSpec LatencyVsBatch(List<ScenarioResult> ok, RunResult r, IReadOnlyList<string> labels)
    {
        const string title = "Latency vs batch size";
        var plot = NewPlot($"{title} — {r.Model.Name}", "batch size (sequences)", "milliseconds", labels, Subtitle(r));
        var groups = ok.GroupBy(s => (s.PromptTokens, s.GenTokens)).OrderBy(g => g.Key.PromptTokens).ThenBy(g => g.Key.GenTokens).ToList();
        var metrics = new (MetricDefinition M, string Label, LinePattern Pattern, MarkerShape Shape)[]
        {
            (ScenarioMetrics.Ttft, "TTFT p50", LinePattern.Solid, MarkerShape.FilledCircle),
            (ScenarioMetrics.ItlP50, "ITL p50", LinePattern.Dashed, MarkerShape.FilledSquare),
            (ScenarioMetrics.ItlP99, "ITL p99", LinePattern.Dotted, MarkerShape.FilledTriangleUp),
        };
        var palette = new ScottPlot.Palettes.Category10();
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            string suffix = groups.Count > 1 ? $" (P={g.Key.PromptTokens} G={g.Key.GenTokens})" : "";
            foreach (var (m, label, pattern, shape) in metrics)
            {
                var pts = g.OrderBy(s => s.BatchSize).Select(s => (x: (double)s.BatchSize, y: ScenarioMetrics.Value(m, s))).Where(p => p.y is not null).ToList();
                if (pts.Count == 0) continue;
                var line = plot.Add.Scatter(pts.Select(p => p.x).ToArray(), pts.Select(p => p.y!.Value * 1000).ToArray(), palette.GetColor(gi));
                line.LinePattern = pattern;
                line.MarkerShape = shape;
                line.LineWidth = 1.5f;
                line.LegendText = label + suffix;
                line.MarkerSize = 8;
            }
        }
        BatchTicks(plot, ok);
        ZeroBasedYWithLegend(plot);
        return new ChartSpec("latency", title, plot, ChartImage.DefaultWidth, HeightFor(labels));
    }

    /// <summary>Power (W, left axis) and utilization (%, right axis) over the run, with prefill/decode bands.</summary>
    private static ChartSpec? TelemetryOverTime(RunResult r, TelemetryRunInfo t, IReadOnlyList<string> runLabels)
    {
        var power = t.Series.Where(s => IsUnit(s.Unit, "W") && s.Offsets.Count > 0).ToList();
        var util = t.Series.Where(s => (IsUnit(s.Unit, "%") || IsUnit(s.Unit, "fraction")) && s.Offsets.Count > 0).ToList();
        if (power.Count == 0 && util.Count == 0) return null;
        const string title = "Power and utilization over time";
        var labels = runLabels.Concat(HonestyLabels.ForTelemetry(r)).ToList();
        var plot = NewPlot($"{title} — {r.Model.Name}", "seconds since run start", power.Count > 0 ? "watts" : "", labels, Subtitle(r));

        // Phase bands first so the lines draw on top.
        bool prefillLegend = false, decodeLegend = false;
        foreach (var rep in r.Scenarios.SelectMany(s => s.Repetitions))
        {
            var p = plot.Add.HorizontalSpan(rep.PrefillStartOffset, rep.PrefillStartOffset + rep.PrefillSeconds, Colors.Orange.WithAlpha(0.25));
            p.LineStyle.Width = 0;
            if (!prefillLegend) { p.LegendText = "prefill"; prefillLegend = true; }
            var d = plot.Add.HorizontalSpan(rep.DecodeStartOffset, rep.DecodeEndOffset, Colors.SteelBlue.WithAlpha(0.18));
            d.LineStyle.Width = 0;
            if (!decodeLegend) { d.LegendText = "decode"; decodeLegend = true; }
        }
        if (t.Idle is { } idle && idle.EndOffset > idle.StartOffset)
        {
            var i = plot.Add.HorizontalSpan(idle.StartOffset, idle.EndOffset, Colors.Gray.WithAlpha(0.2));
            i.LineStyle.Width = 0;
            i.LegendText = "idle baseline";
        }

        foreach (var s in power)
        {
            var line = plot.Add.ScatterLine(s.Offsets.ToArray(), s.Values.ToArray());
            line.LegendText = $"{s.Channel} (W)";
            line.LineWidth = 1.5f;
        }
        if (util.Count > 0)
        {
            foreach (var s in util)
            {
                double scale = IsUnit(s.Unit, "fraction") ? 100 : 1;
                var line = plot.Add.ScatterLine(s.Offsets.ToArray(), s.Values.Select(v => v * scale).ToArray());
                line.LegendText = $"{s.Channel} (%)";
                line.LinePattern = LinePattern.Dashed;
                line.Axes.YAxis = plot.Axes.Right;
            }
            plot.Axes.Right.Label.Text = "utilization %";
            plot.Axes.SetLimitsY(0, 105, plot.Axes.Right);
        }
        if (power.Count > 0) plot.Axes.SetLimitsY(0, power.Max(s => s.Values.DefaultIfEmpty(0).Max()) * 1.15 + 1);
        plot.ShowLegend(Alignment.UpperLeft);
        return new ChartSpec("telemetry", title, plot, ChartImage.DefaultWidth, HeightFor(labels));
    }

    /// <summary>Cost per million workload tokens: self-hosted (at full use and at the traffic's utilization) against each API.</summary>
    private static ChartSpec CostPerMillion(CostComparison c, IReadOnlyList<string> labels)
    {
        const string title = "Cost per million tokens vs API prices";
        int tokensPerRequest = c.Workload.InputTokens + c.Workload.OutputTokens + c.Workload.ReasoningTokens;
        var rows = new List<(string Label, double Value, Color Color)>();
        double fullUse = c.SelfHosted.CostPerRequest * c.SelfHosted.Utilization / tokensPerRequest * 1e6;
        rows.Add(("self-hosted, full use", fullUse, Colors.SeaGreen));
        rows.Add((Inv($"self-hosted at {c.SelfHosted.Utilization * 100:0.#}% use"), c.SelfHosted.CostPerRequest / tokensPerRequest * 1e6, Colors.DarkGreen));
        foreach (var a in c.Api.Where(a => a.CostPerRequest is not null))
            rows.Add(($"{a.Provider} {a.Model}", a.CostPerRequest!.Value / tokensPerRequest * 1e6, Colors.SteelBlue));

        var plot = NewPlot(title, "US$ per million tokens (input + output + reasoning of the workload)", "", labels,
            Inv($"workload {c.Workload.Name}: {c.Workload.InputTokens} in / {c.Workload.OutputTokens} out / {c.Workload.ReasoningTokens} reasoning; {c.Pricing.Description}"));
        var bars = new List<Bar>();
        for (int i = 0; i < rows.Count; i++)
        {
            int pos = rows.Count - 1 - i; // first row on top
            bars.Add(new Bar { Position = pos, Value = rows[i].Value, FillColor = rows[i].Color, Label = Money(rows[i].Value) });
        }
        var bp = plot.Add.Bars(bars);
        bp.Horizontal = true;
        bp.ValueLabelStyle.FontSize = 12;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Count).Select(i => (double)(rows.Count - 1 - i)).ToArray(), rows.Select(x => x.Label).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(0, rows.Max(x => x.Value) * 1.25);
        plot.Axes.SetLimitsY(-0.6, rows.Count - 0.4);
        int height = HeightFor(labels, Math.Max(ChartImage.DefaultHeight, 120 + rows.Count * 40));
        return new ChartSpec("cost_per_mtok", title, plot, ChartImage.DefaultWidth, height);
    }

    /// <summary>
    /// Monthly cost against monthly request volume: self-hosting is a step function of machines
    /// (N = ceil(peak / C)), each API a line through the origin; markers at the break-even points.
    /// </summary>
    private static ChartSpec? MonthlyCostVsVolume(CostComparison c, IReadOnlyList<string> labels)
    {
        var s = c.SelfHosted;
        if (s.Machines <= 0 || s.CapacityRequestsPerHour <= 0) return null;
        const string title = "Monthly cost vs volume (break-even)";
        double perMachineMonthly = s.MonthlyCost / s.Machines;
        double currentMonthly = c.RequestsPerDay * 730 / 24;
        double peak = Math.Max(1, c.PeakToMean);
        var breakEvens = c.Api.Where(a => a.BreakEvenRequestsPerMonth is { } b && double.IsFinite(b)).Select(a => a.BreakEvenRequestsPerMonth!.Value).ToList();
        double xMax = Math.Max(currentMonthly * 3, breakEvens.Count > 0 ? breakEvens.Max() * 1.3 : 0);
        if (!(xMax > 0)) xMax = s.CapacityRequestsPerHour * 730 / peak * 3;
        var (scale, unit) = xMax >= 3e6 ? (1e6, "millions") : xMax >= 3e3 ? (1e3, "thousands") : (1.0, "");

        var plot = NewPlot(title, $"requests per month{(unit.Length > 0 ? $" ({unit})" : "")}", "US$ per month", labels,
            Inv($"self-hosted: {c.Pricing.Description}; capacity {s.CapacityRequestsPerHour:N0} requests/h per machine, peak/mean {peak:0.##}"));

        // Step function: machines needed for volume v = max(1, ceil(v / 730 x peak / C)).
        double step = s.CapacityRequestsPerHour * 730 / peak;
        var xs = new List<double>();
        var ys = new List<double>();
        int steps = (int)Math.Min(400, Math.Ceiling(xMax / step));
        double prev = 0;
        for (int k = 1; k <= steps; k++)
        {
            double edge = Math.Min(k * step, xMax);
            xs.Add(prev / scale); ys.Add(k * perMachineMonthly);
            xs.Add(edge / scale); ys.Add(k * perMachineMonthly);
            prev = edge;
        }
        var self = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), Colors.DarkGreen);
        self.LineWidth = 2.5f;
        self.LegendText = "self-hosted (step per machine)";

        var palette = new ScottPlot.Palettes.Category10();
        int ci = 0;
        foreach (var a in c.Api.Where(a => a.CostPerRequest is not null).Take(8))
        {
            var color = palette.GetColor(ci++);
            var line = plot.Add.ScatterLine(new[] { 0.0, xMax / scale }, new[] { 0.0, a.CostPerRequest!.Value * xMax }, color);
            var be = a.BreakEvenRequestsPerMonth;
            line.LegendText = $"{a.Provider} {a.Model}" + (be is { } b && double.IsFinite(b)
                ? Inv($" (break-even {b / scale:0.##}{(unit == "millions" ? "M" : unit == "thousands" ? "k" : "")})")
                : " (self-hosting never cheaper)");
            if (be is { } v && double.IsFinite(v) && v <= xMax)
                plot.Add.Marker(v / scale, a.CostPerRequest.Value * v, MarkerShape.FilledDiamond, 11, color);
            // Every range where self-hosting is cheaper, shaded in the API's colour, with a marker where each starts.
            foreach (var iv in a.BreakEvenIntervals.Where(i => i.FromRequestsPerMonth < xMax).Take(50))
            {
                var band = plot.Add.HorizontalSpan(iv.FromRequestsPerMonth / scale, Math.Min(iv.ToRequestsPerMonth ?? xMax, xMax) / scale, color.WithAlpha(0.10));
                band.LineStyle.Width = 0;
                if (iv.ToRequestsPerMonth is not null)
                    plot.Add.Marker(iv.FromRequestsPerMonth / scale, a.CostPerRequest.Value * iv.FromRequestsPerMonth, MarkerShape.OpenDiamond, 10, color);
            }
            if (a.BreakEvenIntervals.Count > 1) line.LegendText += $"; cheaper on {a.BreakEvenIntervals.Count} ranges (shaded)";
        }
        var now = plot.Add.VerticalLine(currentMonthly / scale, 1.5f, Colors.Black, LinePattern.Dotted);
        now.LegendText = "your volume";
        plot.Axes.SetLimitsX(0, xMax / scale);
        double yTop = Math.Max(ys.Max(), c.Api.Where(a => a.CostPerRequest is not null).Take(8).Select(a => a.CostPerRequest!.Value * xMax).DefaultIfEmpty(0).Max());
        plot.Axes.SetLimitsY(0, yTop * 1.08);
        plot.ShowLegend(Alignment.UpperLeft);
        return new ChartSpec("breakeven", title, plot, ChartImage.DefaultWidth, HeightFor(labels));
    }

    /// <summary>A plot with title, axis labels, a subtitle line and the honesty labels in the lower right corner.</summary>
    internal static Plot NewPlot(string title, string xLabel, string yLabel, IReadOnlyList<string> labels, string? subtitle = null)
    {
        var plot = new Plot();
        plot.Title(subtitle is null ? title : $"{title}\n{Wrap(subtitle, 78)}", 15);
        plot.XLabel(xLabel, 13);
        if (yLabel.Length > 0) plot.YLabel(yLabel, 13);
        if (labels.Count > 0)
        {
            // The labels go in their own band under the x axis (an extra, tickless bottom axis whose
            // label is the text), so they never cover data however many there are.
            // One axis per line: an axis measures its label as a single line.
            foreach (var line in LabelBlock(labels).Split('\n'))
            {
                var band = plot.Axes.AddBottomAxis();
                band.Label.Text = line;
                band.Label.ForeColor = Colors.DarkRed;
                band.Label.Bold = false;
                band.Label.FontSize = 12;
                band.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
                band.MajorTickStyle.Length = 0;
                band.MinorTickStyle.Length = 0;
                band.FrameLineStyle.Width = 0;
            }
        }
        return plot;
    }

    private static string Subtitle(RunResult r) =>
        $"{r.Model.Precision}, {r.Engine.Name} ({r.Engine.ExecutionProvider}) on {RunIdentity.HardwareOf(r)}, {r.StartedUtc.UtcDateTime:yyyy-MM-dd}";

    private static void BatchTicks(Plot plot, List<ScenarioResult> ok)
    {
        var batches = ok.Select(s => (double)s.BatchSize).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(batches, batches.Select(b => b.ToString(CultureInfo.InvariantCulture)).ToArray());
        double pad = Math.Max(0.5, (batches[^1] - batches[0]) * 0.05);
        plot.Axes.SetLimitsX(batches[0] - pad, batches[^1] + pad);
    }

    /// <summary>
    /// Starts the value axis at zero (throughput and latency read wrongly from a cut axis), leaves
    /// headroom, and puts the legend in the upper corner where the lines are lower.
    /// </summary>
    private static void ZeroBasedYWithLegend(Plot plot)
    {
        var points = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()
            .SelectMany(p => p.Data.GetScatterPoints()).Where(c => double.IsFinite(c.X) && double.IsFinite(c.Y)).ToList();
        double top = points.Select(c => c.Y).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, top * 1.2);
        if (points.Count == 0) { plot.ShowLegend(Alignment.UpperLeft); return; }
        double minX = points.Min(c => c.X), maxX = points.Max(c => c.X);
        double left = points.Where(c => c.X == minX).Max(c => c.Y), right = points.Where(c => c.X == maxX).Max(c => c.Y);
        plot.ShowLegend(left <= right ? Alignment.UpperLeft : Alignment.UpperRight);
    }

    internal static string LabelBlock(IReadOnlyList<string> labels) => string.Join("\n", labels.Select(l => Wrap("! " + l, 115)));

    /// <summary>Image height: the default plus room for the label band under the x axis.</summary>
    internal static int HeightFor(IReadOnlyList<string> labels, int baseHeight = ChartImage.DefaultHeight) =>
        labels.Count == 0 ? baseHeight : baseHeight + 10 + 17 * LabelBlock(labels).Split('\n').Length;

    /// <summary>Breaks a long line at spaces so titles and labels stay inside the image.</summary>
    internal static string Wrap(string text, int width)
    {
        if (text.Length <= width) return text;
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width) { lines.Add(line.ToString()); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return string.Join("\n", lines);
    }

    private static bool IsUnit(string unit, string want) => string.Equals(unit.Trim(), want, StringComparison.OrdinalIgnoreCase);

    /// <summary>One money format everywhere (three significant digits below $1, so a small cost never reads $0.0000).</summary>
    internal static string Money(double v) => CostMarkdown.Money(v);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
