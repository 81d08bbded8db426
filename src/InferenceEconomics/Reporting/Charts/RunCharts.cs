using InferenceEconomics.Metrics;
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
/// A chart carries only the short notes about itself (synthetic weights, power not measured,
/// capacity estimated); the run's full warnings are in the report, once.
/// </summary>
internal static class RunCharts
{
    /// <summary>
    /// Series whose highest values are this many times apart go on a log axis: on a linear one the
    /// lower series would stay in the bottom tenth of it. (A single series, however steep, stays linear.)
    /// </summary>
    public const double LogSpanRatio = 10;

    /// <summary>Telemetry lines keep at most this many points (time-bin means): denser is noise at 900 px.</summary>
    public const int MaxLinePoints = 300;

    public static IReadOnlyList<ChartSpec> Build(ReportContext ctx)
    {
        var r = ctx.Result;
        var runTags = RunTags(r);
        var ok = r.Scenarios.Where(s => s.Status == ScenarioStatus.Ok && s.Repetitions.Count > 0).ToList();
        var list = new List<ChartSpec>();
        if (ok.Count > 0)
        {
            // The catalog says which metrics are charted against batch size, and on which chart.
            foreach (var m in MetricCatalog.All.Where(m => m.Chart == ChartGroup.Throughput))
                list.Add(ThroughputVsBatch(m.Id, $"{Title(m)} vs batch size", m, ok, r, runTags));
            if (MetricCatalog.All.Any(m => m.Chart == ChartGroup.Latency)) list.Add(LatencyVsBatch(ok, r, runTags));
        }
        if (r.Telemetry is { Series.Count: > 0 } t && TelemetryOverTime(r, t, runTags) is { } tel) list.Add(tel);
        if (ctx.Cost is { } cost)
        {
            var costTags = runTags.Concat(CostTags(cost)).ToList();
            list.Add(CostPerMillion(cost, costTags));
            if (MonthlyCostVsVolume(cost, costTags) is { } be) list.Add(be);
            if (cost.Frontier is { } frontier && FrontierChart.Build(frontier, [.. runTags, .. frontier.Labels]) is { } fc) list.Add(fc);
            if (cost.Conversation is { } conv && OutcomeCharts.Conversation(conv, runTags) is { } cc) list.Add(cc); // per-turn times, not the request capacity
            if (cost.Task is { } task && OutcomeCharts.Task(task, costTags) is { } tc) list.Add(tc);
        }
        if (ctx.LoadCost?.Frontier is { } loadFrontier && FrontierChart.Build(loadFrontier, runTags) is { } lf) list.Add(lf);
        return list;
    }

    /// <summary>A metric's name for a chart title: its definition up to the colon, capitalised ("Decode throughput").</summary>
    private static string Title(Metric m) => m.Definition.Split(':')[0] is var t && t.Length > 0 ? char.ToUpperInvariant(t[0]) + t[1..] : m.Id;

    /// <summary>The short notes every chart of the run carries (the full sentences are in the report).</summary>
    internal static List<string> RunTags(RunResult r)
    {
        // The run's notes that change how to read any chart, in their short form.
        return NoteText.ChartTags(Notes.OfRun(r));
    }

    /// <summary>The short notes of the cost charts: what the prices rest on that was not measured.</summary>
    internal static List<string> CostTags(CostComparison c)
    {
        var tags = new List<string>();
        if (c.Labels.Any(l => l.StartsWith("capacity estimated", StringComparison.Ordinal)))
            tags.Add(Inv($"capacity estimated from the P={c.PromptTokens}, G={c.GenTokens} scenario"));
        if (c.Pricing.WattsSource == "estimated")
            tags.Add(c.Pricing.Watts is { } w ? Inv($"power estimated ({w:0.#} W given)") : "power estimated");
        if (c.Api.Any(a => a.CostPerRequest is null)) tags.Add("some API prices unknown (not shown)");
        return tags;
    }

    /// <summary>One line per (prompt length, generated length): metric median against batch size.</summary>
    private static ChartSpec ThroughputVsBatch(string name, string title, Metric metric, List<ScenarioResult> ok, RunResult r, IReadOnlyList<string> tags)
    {
        bool severalG = ok.Select(s => s.GenTokens).Distinct().Count() > 1;
        var lines = new List<Line>();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var g in ok.GroupBy(s => (s.PromptTokens, s.GenTokens)).OrderBy(g => g.Key.PromptTokens).ThenBy(g => g.Key.GenTokens))
        {
            var pts = g.OrderBy(s => s.BatchSize).Select(s => (x: (double)s.BatchSize, y: metric.Headline(s))).Where(p => p.y is > 0).ToList();
            if (pts.Count == 0) continue;
            lines.Add(new Line(severalG ? $"P={g.Key.PromptTokens} G={g.Key.GenTokens}" : $"prompt {g.Key.PromptTokens} tokens",
                pts.Select(p => p.x).ToArray(), pts.Select(p => p.y!.Value).ToArray(), palette.GetColor(lines.Count), MarkerShape.FilledCircle));
        }
        bool log = SpansDecade(lines.Select(l => l.Ys.Max()));
        var plot = NewPlot($"{title} — {r.Model.Name}", "batch size (sequences)", "tokens per second" + (log ? " (log scale)" : ""), tags, Subtitle(r));
        AddLines(plot, lines, log);
        BatchTicks(plot, ok);
        ValueAxisWithLegend(plot, lines.SelectMany(l => l.Ys), log);
        return new ChartSpec(name, title, plot, ChartImage.DefaultWidth, HeightFor(tags)) { LogY = log };
    }

    /// <summary>The catalog's latency metrics (TTFT, ITL p50, ITL p99; milliseconds) against batch size, per prompt length.</summary>
    private static ChartSpec LatencyVsBatch(List<ScenarioResult> ok, RunResult r, IReadOnlyList<string> tags)
    {
        const string title = "Latency vs batch size";
        var groups = ok.GroupBy(s => (s.PromptTokens, s.GenTokens)).OrderBy(g => g.Key.PromptTokens).ThenBy(g => g.Key.GenTokens).ToList();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle];
        var metrics = MetricCatalog.All.Where(m => m.Chart == ChartGroup.Latency)
            .Select((m, i) => (M: m, Label: m.Id.Replace('_', ' '), Shape: shapes[i % shapes.Length])).ToArray();
        // One (P, G): a colour per metric. Several: a colour per (P, G), a marker per metric. Lines stay solid.
        var palette = new ScottPlot.Palettes.Category10();
        var lines = new List<Line>();
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            string suffix = groups.Count > 1 ? $" (P={g.Key.PromptTokens} G={g.Key.GenTokens})" : "";
            for (int mi = 0; mi < metrics.Length; mi++)
            {
                var (m, label, shape) = metrics[mi];
                var pts = g.OrderBy(s => s.BatchSize).Select(s => (x: (double)s.BatchSize, y: m.Headline(s))).Where(p => p.y is > 0).ToList();
                if (pts.Count == 0) continue;
                lines.Add(new Line(label + suffix, pts.Select(p => p.x).ToArray(), pts.Select(p => p.y!.Value * m.Unit.DisplayScale).ToArray(),
                    palette.GetColor(groups.Count > 1 ? gi : mi), shape));
            }
        }
        bool log = SpansDecade(lines.Select(l => l.Ys.Max()));
        var plot = NewPlot($"{title} — {r.Model.Name}", "batch size (sequences)", "milliseconds" + (log ? " (log scale)" : ""), tags, Subtitle(r));
        AddLines(plot, lines, log);
        BatchTicks(plot, ok);
        ValueAxisWithLegend(plot, lines.SelectMany(l => l.Ys), log);
        return new ChartSpec("latency", title, plot, ChartImage.DefaultWidth, HeightFor(tags)) { LogY = log };
    }

    private sealed record Line(string Label, double[] Xs, double[] Ys, Color Color, MarkerShape Shape);

    private static void AddLines(Plot plot, List<Line> lines, bool logY)
    {
        foreach (var l in lines)
        {
            var s = plot.Add.Scatter(l.Xs, logY ? l.Ys.Select(Math.Log10).ToArray() : l.Ys, l.Color);
            s.LegendText = l.Label;
            s.LineWidth = 2;
            s.MarkerShape = l.Shape;
            s.MarkerSize = 8;
        }
    }

    /// <summary>
    /// Power (W) and utilization (%) over the run, with the idle baseline and where each scenario ran.
    /// Without a power series there is no power axis: utilization alone, on a 0-100% axis.
    /// </summary>
    private static ChartSpec? TelemetryOverTime(RunResult r, TelemetryRunInfo t, IReadOnlyList<string> runTags)
    {
        var power = t.Series.Where(s => IsUnit(s.Unit, "W") && s.Offsets.Count > 0).ToList();
        var util = t.Series.Where(s => (IsUnit(s.Unit, "%") || IsUnit(s.Unit, "fraction")) && s.Offsets.Count > 0).ToList();
        if (power.Count == 0 && util.Count == 0) return null;
        bool hasPower = power.Count > 0;
        string title = hasPower ? "Power and utilization over time" : "Utilization over time";
        var tags = new List<string>(runTags);
        var missing = t.Sources.Where(s => !s.Available).Select(s => s.Name).ToList();
        if (!hasPower) tags.Add("power not measured" + (missing.Count > 0 ? $" ({string.Join(", ", missing)} unavailable)" : ""));
        else if (missing.Count > 0) tags.Add($"not measured: {string.Join(", ", missing)}");

        double t0 = t.Series.Where(s => s.Offsets.Count > 0).Min(s => s.Offsets[0]);
        double t1 = t.Series.Where(s => s.Offsets.Count > 0).Max(s => s.Offsets[^1]);
        double span = Math.Max(t1 - t0, 1e-3);
        double bin = span / MaxLinePoints;
        bool decimated = t.Series.Any(s => s.Offsets.Count > MaxLinePoints);
        string xLabel = "seconds since run start" + (decimated ? Inv($" (lines: mean per {bin:0.###} s)") : "");
        var plot = NewPlot($"{title} — {r.Model.Name}", xLabel, hasPower ? "watts" : "utilization %", tags, Subtitle(r));
        var utilAxis = hasPower ? plot.Axes.Right : plot.Axes.Left;
        double powerTop = hasPower ? power.Max(s => s.Values.Where(double.IsFinite).DefaultIfEmpty(0).Max()) * 1.15 + 1 : 0;
        double leftTop = hasPower ? powerTop : 105;

        // Where the run was doing what, under the lines: idle baseline, then each phase or scenario.
        if (t.Idle is { } idle && idle.EndOffset > idle.StartOffset)
        {
            var i = plot.Add.HorizontalSpan(idle.StartOffset, idle.EndOffset, Colors.Gray.WithAlpha(0.22));
            i.LineStyle.Width = 0;
            i.LegendText = "idle baseline";
        }
        PhaseBands(plot, r, span, leftTop);

        int color = 0;
        foreach (var s in power)
        {
            var (xs, ys) = Decimate(s.Offsets, s.Values, MaxLinePoints);
            var line = plot.Add.ScatterLine(xs, ys, LineColor(color++));
            line.LegendText = ChannelLabel(s.Channel) + (util.Count > 0 ? " (W, left)" : " (W)");
            line.LineWidth = 2;
            line.Axes.YAxis = plot.Axes.Left;
        }
        foreach (var s in util)
        {
            double scale = IsUnit(s.Unit, "fraction") ? 100 : 1;
            var (xs, ys) = Decimate(s.Offsets, s.Values.Select(v => v * scale).ToList(), MaxLinePoints);
            var line = plot.Add.ScatterLine(xs, ys, LineColor(color++));
            line.LegendText = ChannelLabel(s.Channel) + (hasPower ? " (%, right)" : "");
            line.LineWidth = 1.5f;
            line.Axes.YAxis = utilAxis;
        }
        if (util.Count > 0)
        {
            if (hasPower) plot.Axes.Right.Label.Text = "utilization %";
            utilAxis.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0, 20, 40, 60, 80, 100], ["0", "20", "40", "60", "80", "100"]);
            plot.Axes.SetLimitsY(0, 105, utilAxis);
        }
        if (hasPower) plot.Axes.SetLimitsY(0, powerTop, plot.Axes.Left);
        plot.Axes.SetLimitsX(t0, t1);
        plot.ShowLegend(Edge.Bottom);
        return new ChartSpec("telemetry", title, plot, ChartImage.DefaultWidth, HeightFor(tags) + 40);
    }

    /// <summary>Line colours that stand apart from the orange and blue phase bands behind them.</summary>
    private static Color LineColor(int i) => new ScottPlot.Palettes.Category10().GetColor(new[] { 4, 2, 3, 5, 9, 8, 6, 7 }[i % 8]);

    /// <summary>
    /// Prefill and decode bands per repetition where they are wide enough to see (3 px); else one
    /// band per scenario, named at the top, so the reader still sees which scenario ran when.
    /// </summary>
    private static void PhaseBands(Plot plot, RunResult r, double span, double top)
    {
        var reps = r.Scenarios.SelectMany(s => s.Repetitions).ToList();
        if (reps.Count == 0) return;
        double pxPerSecond = (ChartImage.DefaultWidth - 140) / span;
        var widths = reps.SelectMany(x => new[] { x.PrefillSeconds, x.DecodeEndOffset - x.DecodeStartOffset }).Order().ToList();
        if (widths[widths.Count / 2] * pxPerSecond >= 3)
        {
            bool prefillLegend = false, decodeLegend = false;
            foreach (var rep in reps)
            {
                var p = plot.Add.HorizontalSpan(rep.PrefillStartOffset, rep.PrefillStartOffset + rep.PrefillSeconds, Colors.Orange.WithAlpha(0.22));
                p.LineStyle.Width = 0;
                if (!prefillLegend) { p.LegendText = "prefill"; prefillLegend = true; }
                var d = plot.Add.HorizontalSpan(rep.DecodeStartOffset, rep.DecodeEndOffset, Colors.SteelBlue.WithAlpha(0.15));
                d.LineStyle.Width = 0;
                if (!decodeLegend) { d.LegendText = "decode"; decodeLegend = true; }
            }
            return;
        }
        int n = 0;
        foreach (var s in r.Scenarios.Where(s => s.Repetitions.Count > 0))
        {
            double a = s.Repetitions.Min(x => x.PrefillStartOffset), b = s.Repetitions.Max(x => x.DecodeEndOffset);
            var band = plot.Add.HorizontalSpan(a, b, (n++ % 2 == 0 ? Colors.SteelBlue : Colors.Orange).WithAlpha(0.13));
            band.LineStyle.Width = 0;
            if (n == 1) band.LegendText = "scenario (named at the top; its phases are too short to draw)";
            if ((b - a) * pxPerSecond >= s.Id.Length * 7 + 6)
            {
                var text = plot.Add.Text(s.Id, a + 4 / pxPerSecond, top * 0.985);
                text.LabelFontSize = 11;
                text.LabelFontColor = Colors.DimGray;
                text.LabelAlignment = Alignment.UpperLeft;
            }
        }
    }

    /// <summary>Time-bin means when a series has more points than <paramref name="max"/>; the points as they are otherwise.</summary>
    internal static (double[] Xs, double[] Ys) Decimate(IReadOnlyList<double> xs, IReadOnlyList<double> ys, int max)
    {
        var pts = xs.Zip(ys).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToList();
        if (pts.Count <= max) return (pts.Select(p => p.First).ToArray(), pts.Select(p => p.Second).ToArray());
        double a = pts[0].First, width = Math.Max(pts[^1].First - a, 1e-9) / max;
        var bins = pts.GroupBy(p => Math.Min(max - 1, (int)((p.First - a) / width))).OrderBy(g => g.Key).ToList();
        return (bins.Select(g => g.Average(p => p.First)).ToArray(), bins.Select(g => g.Average(p => p.Second)).ToArray());
    }

    /// <summary>"gpu0.power" → "GPU 0 power", "host.system_cpu" → "CPU, whole machine"; unknown names as they are.</summary>
    internal static string ChannelLabel(string channel)
    {
        int dot = channel.LastIndexOf('.');
        if (dot <= 0) return channel;
        string device = channel[..dot], key = channel[(dot + 1)..];
        string dev = device.StartsWith("gpu", StringComparison.Ordinal) && device.Length > 3 && device[3..].All(char.IsAsciiDigit) ? $"GPU {device[3..]}"
            : device.StartsWith("cpu-package-", StringComparison.Ordinal) ? $"CPU package {device["cpu-package-".Length..]}"
            : device;
        return key switch
        {
            "system_cpu" => "CPU, whole machine",
            "process_cpu" => "CPU, this process",
            "power" => $"{dev} power",
            "util" => $"{dev} utilization",
            "mem_util" => $"{dev} memory utilization",
            _ => channel,
        };
    }

    /// <summary>Cost per million workload tokens: self-hosted (at full use and at the traffic's utilization) against each API.</summary>
    private static ChartSpec CostPerMillion(CostComparison c, IReadOnlyList<string> tags)
    {
        const string title = "Cost per million tokens vs API prices";
        int tokensPerRequest = c.Workload.InputTokens + c.Workload.OutputTokens + c.Workload.ReasoningTokens;
        var rows = new List<(string Label, double Value, Color Color)>();
        double fullUse = c.SelfHosted.CostPerRequest * c.SelfHosted.Utilization / tokensPerRequest * 1e6;
        rows.Add(("self-hosted, full use", fullUse, Colors.SeaGreen));
        rows.Add((Inv($"self-hosted at {c.SelfHosted.Utilization * 100:0.#}% use"), c.SelfHosted.CostPerRequest / tokensPerRequest * 1e6, Colors.DarkGreen));
        foreach (var a in c.Api.Where(a => a.CostPerRequest is not null))
            rows.Add(($"{a.Provider} {a.Model}", a.CostPerRequest!.Value / tokensPerRequest * 1e6, Colors.SteelBlue));

        var plot = NewPlot(title, "US$ per million tokens (input + output + reasoning of the workload)", "", tags,
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
        int height = HeightFor(tags, Math.Max(ChartImage.DefaultHeight, 120 + rows.Count * 40));
        return new ChartSpec("cost_per_mtok", title, plot, ChartImage.DefaultWidth, height);
    }

    /// <summary>
    /// Monthly cost against monthly request volume: self-hosting is a step function of machines
    /// (N = ceil(peak / C)), each API a line through the origin; markers at the break-even points.
    /// When the lines end a decade or more apart, both axes are logarithmic: each API is then a
    /// straight line whose height is its price, and none is squeezed against the bottom.
    /// </summary>
    private static ChartSpec? MonthlyCostVsVolume(CostComparison c, IReadOnlyList<string> tags)
    {
        var s = c.SelfHosted;
        if (s.Machines <= 0 || s.CapacityRequestsPerHour <= 0) return null;
        const string title = "Monthly cost vs volume (break-even)";
        double perMachineMonthly = s.MonthlyCost / s.Machines;
        double currentMonthly = c.RequestsPerDay * 730 / 24;
        double peak = Math.Max(1, c.PeakToMean);
        double step = s.CapacityRequestsPerHour * 730 / peak; // monthly volume one machine serves
        double SelfHosted(double v) => Math.Max(1, Math.Ceiling(v / step)) * perMachineMonthly;
        var breakEvens = c.Api.Where(a => a.BreakEvenRequestsPerMonth is { } b && double.IsFinite(b) && b > 0).Select(a => a.BreakEvenRequestsPerMonth!.Value).ToList();
        double xMax = Math.Max(currentMonthly * 3, breakEvens.Count > 0 ? breakEvens.Max() * 1.3 : 0);
        if (!(xMax > 0)) xMax = step * 3;
        var apis = c.Api.Where(a => a.CostPerRequest is > 0).Take(8).ToList();

        // Every line is highest at the right edge.
        bool log = SpansDecade(apis.Select(a => a.CostPerRequest!.Value * xMax).Append(SelfHosted(xMax)));
        var lows = breakEvens.Append(currentMonthly).Where(v => v > 0).ToList();
        double xMin = log ? Math.Min(lows.Count > 0 ? lows.Min() / 5 : xMax / 1000, xMax / 100) : 0;
        var (scale, unit) = xMax >= 3e6 ? (1e6, "millions") : xMax >= 3e3 ? (1e3, "thousands") : (1.0, "");
        double X(double v) => log ? Math.Log10(v) : v / scale;
        double Y(double v) => log ? Math.Log10(v) : v;

        string xLabel = log ? "requests per month (log scale)" : $"requests per month{(unit.Length > 0 ? $" ({unit})" : "")}";
        var plot = NewPlot(title, xLabel, log ? "US$ per month (log scale)" : "US$ per month", tags,
            Inv($"self-hosted: {c.Pricing.Description}; capacity {s.CapacityRequestsPerHour:N0} requests/h per machine, peak/mean {peak:0.##}"));

        // Step function: machines needed for volume v = max(1, ceil(v / 730 x peak / C)); at most
        // 1000 steps drawn (beyond that they are finer than a pixel), sampled evenly otherwise.
        var edges = new List<double> { xMin };
        int firstStep = (int)Math.Max(1, Math.Ceiling(xMin / step)), lastStep = (int)Math.Min(int.MaxValue - 1, Math.Ceiling(xMax / step));
        if (lastStep - firstStep <= 1000)
            for (int k = firstStep; k < lastStep; k++) edges.Add(k * step);
        else
            for (int i = 1; i < 1000; i++) edges.Add(log ? xMin * Math.Pow(xMax / xMin, i / 1000.0) : xMax * i / 1000.0);
        edges.Add(xMax);
        var xs = new List<double>();
        var costs = new List<double>(); // every y drawn, in dollars
        for (int i = 0; i + 1 < edges.Count; i++)
        {
            if (!(edges[i + 1] > edges[i])) continue;
            double cost = SelfHosted(edges[i] + (edges[i + 1] - edges[i]) / 2);
            xs.Add(X(edges[i])); costs.Add(cost);
            xs.Add(X(edges[i + 1])); costs.Add(cost);
        }
        var self = plot.Add.ScatterLine(xs.ToArray(), costs.Select(Y).ToArray(), Colors.DarkGreen);
        self.LineWidth = 3;
        self.LegendText = "self-hosted (a step per machine)";

        var palette = new ScottPlot.Palettes.Category10();
        int[] apiColors = [0, 1, 3, 4, 9, 5, 6, 8]; // Category10 without its green, which self-hosted's resembles
        int ci = 0;
        foreach (var a in apis)
        {
            var color = palette.GetColor(apiColors[ci++ % apiColors.Length]);
            double perRequest = a.CostPerRequest!.Value;
            var line = plot.Add.ScatterLine(new[] { X(xMin), X(xMax) }, new[] { Y(perRequest * xMin), Y(perRequest * xMax) }, color);
            line.LineWidth = 2;
            costs.Add(perRequest * xMin);
            costs.Add(perRequest * xMax);
            var be = a.BreakEvenRequestsPerMonth;
            line.LegendText = $"{a.Provider} {a.Model}" + (be is { } b && double.IsFinite(b)
                ? $" (break-even {Compact(b)}/month)"
                : " (self-hosting never cheaper)");
            if (be is { } v && double.IsFinite(v) && v > 0 && v <= xMax && (!log || v >= xMin))
                plot.Add.Marker(X(v), Y(perRequest * v), MarkerShape.FilledDiamond, 12, color);
            // Every range where self-hosting is cheaper, shaded in the API's colour, with a marker where each starts.
            foreach (var iv in a.BreakEvenIntervals.Where(i => i.FromRequestsPerMonth < xMax && (!log || i.FromRequestsPerMonth >= xMin || (i.ToRequestsPerMonth ?? xMax) > xMin)).Take(50))
            {
                double from = log ? Math.Max(iv.FromRequestsPerMonth, xMin) : iv.FromRequestsPerMonth;
                var band = plot.Add.HorizontalSpan(X(from), X(Math.Min(iv.ToRequestsPerMonth ?? xMax, xMax)), color.WithAlpha(0.10));
                band.LineStyle.Width = 0;
                if (iv.ToRequestsPerMonth is not null && iv.FromRequestsPerMonth > 0 && (!log || iv.FromRequestsPerMonth >= xMin))
                    plot.Add.Marker(X(iv.FromRequestsPerMonth), Y(perRequest * iv.FromRequestsPerMonth), MarkerShape.OpenDiamond, 10, color);
            }
            if (a.BreakEvenIntervals.Count > 1) line.LegendText += $"; cheaper on {a.BreakEvenIntervals.Count} ranges (shaded)";
        }
        if (currentMonthly > 0)
        {
            var now = plot.Add.VerticalLine(X(currentMonthly), 1.5f, Colors.Black, LinePattern.Dotted);
            now.LegendText = $"your volume ({Compact(currentMonthly)}/month)";
        }
        plot.Axes.SetLimitsX(X(xMin), X(xMax));
        if (log)
        {
            double lo = costs.Where(v => v > 0).Min(), hi = costs.Max();
            plot.Axes.SetLimitsY(Math.Log10(lo) - 0.1, Math.Log10(hi) + 0.1);
            plot.Axes.Bottom.TickGenerator = LogTicks(Math.Log10(xMin), Math.Log10(xMax), Compact);
            plot.Axes.Left.TickGenerator = LogTicks(Math.Log10(lo) - 0.1, Math.Log10(hi) + 0.1, v => "$" + Compact(v));
        }
        else plot.Axes.SetLimitsY(0, costs.Max() * 1.08);
        plot.ShowLegend(Edge.Bottom);
        return new ChartSpec("breakeven", title, plot, ChartImage.DefaultWidth, HeightFor(tags) + 20 + 18 * ((apis.Count + 3) / 2)) { LogX = log, LogY = log };
    }

    /// <summary>True when the largest of the series' highest values is at least <see cref="LogSpanRatio"/> times the smallest.</summary>
    internal static bool SpansDecade(IEnumerable<double> seriesMaxima)
    {
        var v = seriesMaxima.Where(x => x > 0 && double.IsFinite(x)).ToList();
        return v.Count > 1 && v.Max() / v.Min() >= LogSpanRatio;
    }

    /// <summary>
    /// Ticks for an axis that holds log10 of the values: labels at 1, 10, 100... (and at 2 and 5
    /// where the axis spans under three decades), minor ticks at the other whole multiples.
    /// </summary>
    internal static ScottPlot.TickGenerators.NumericManual LogTicks(double minLog, double maxLog, Func<double, string> label)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double[] majors = maxLog - minLog < 3 ? [1, 2, 5] : [1];
        for (int e = (int)Math.Floor(minLog); e <= (int)Math.Ceiling(maxLog); e++)
            for (int m = 1; m <= 9; m++)
            {
                double v = m * Math.Pow(10, e), at = Math.Log10(v);
                if (at < minLog - 1e-9 || at > maxLog + 1e-9) continue;
                if (majors.Contains(m)) ticks.AddMajor(at, label(v));
                else ticks.AddMinor(at);
            }
        return ticks;
    }

    /// <summary>Three significant digits with k, M, B: 12,345 → "12.3k", 501,718 → "502k", 1,500,000 → "1.5M", 0.5 → "0.5".</summary>
    internal static string Compact(double v)
    {
        double a = Math.Abs(v);
        var (div, suffix) = a >= 999.5e6 ? (1e9, "B") : a >= 999.5e3 ? (1e6, "M") : a >= 999.5 ? (1e3, "k") : (1.0, "");
        double x = v / div, ax = Math.Abs(x);
        string format = ax >= 99.95 ? "0" : ax >= 9.995 ? "0.#" : ax >= 1 ? "0.##" : "0.###";
        return x.ToString(format, CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>A plot with title, axis labels, a subtitle line and the chart's short notes in a band under the x axis.</summary>
    internal static Plot NewPlot(string title, string xLabel, string yLabel, IReadOnlyList<string> tags, string? subtitle = null)
    {
        var plot = new Plot();
        plot.Title(subtitle is null ? title : $"{title}\n{Wrap(subtitle, 78)}", 15);
        plot.XLabel(xLabel, 13);
        if (yLabel.Length > 0) plot.YLabel(yLabel, 13);
        if (tags.Count > 0)
        {
            // The notes go in their own band under the x axis (an extra, tickless bottom axis whose
            // label is the text), so they never cover data. One axis per line: an axis measures its
            // label as a single line.
            foreach (var line in TagBlock(tags).Split('\n'))
            {
                var band = plot.Axes.AddBottomAxis();
                band.LabelText = line;
                band.LabelFontColor = Colors.DarkRed;
                band.LabelBold = false;
                band.LabelFontSize = 12;
                band.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
                band.MajorTickStyle.Length = 0;
                band.MinorTickStyle.Length = 0;
                band.FrameLineStyle.Width = 0;
            }
        }
        return plot;
    }

    private static string Subtitle(RunResult r) =>
        $"{Words.Of(r.Model.Precision)}, {Words.Of(r.Engine.Name)} ({r.Engine.ExecutionProvider}) on {RunIdentity.HardwareOf(r)}, {r.StartedUtc.UtcDateTime:yyyy-MM-dd}";

    private static void BatchTicks(Plot plot, List<ScenarioResult> ok)
    {
        var batches = ok.Select(s => (double)s.BatchSize).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(batches, batches.Select(b => b.ToString(CultureInfo.InvariantCulture)).ToArray());
        double pad = Math.Max(0.5, (batches[^1] - batches[0]) * 0.05);
        plot.Axes.SetLimitsX(batches[0] - pad, batches[^1] + pad);
    }

    /// <summary>
    /// A linear value axis starts at zero (throughput and latency read wrongly from a cut axis); a
    /// log one spans the values with a margin. Headroom for the legend, which goes in the upper
    /// corner where the lines are lower.
    /// </summary>
    private static void ValueAxisWithLegend(Plot plot, IEnumerable<double> values, bool log)
    {
        var v = values.Where(x => x > 0 && double.IsFinite(x)).ToList();
        if (log)
        {
            double lo = Math.Log10(v.Min()) - 0.15, hi = Math.Log10(v.Max()) + 0.35;
            plot.Axes.SetLimitsY(lo, hi);
            plot.Axes.Left.TickGenerator = LogTicks(lo, hi, Compact);
        }
        else plot.Axes.SetLimitsY(0, v.DefaultIfEmpty(1).Max() * 1.2);
        var points = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()
            .SelectMany(p => p.Data.GetScatterPoints()).Where(c => double.IsFinite(c.X) && double.IsFinite(c.Y)).ToList();
        if (points.Count == 0) { plot.ShowLegend(Alignment.UpperLeft); return; }
        double minX = points.Min(c => c.X), maxX = points.Max(c => c.X);
        double left = points.Where(c => c.X == minX).Max(c => c.Y), right = points.Where(c => c.X == maxX).Max(c => c.Y);
        plot.ShowLegend(left <= right ? Alignment.UpperLeft : Alignment.UpperRight);
    }

    internal static string TagBlock(IReadOnlyList<string> tags) => Wrap("! " + string.Join(" · ", tags), 115);

    /// <summary>Image height: the default plus room for the notes band under the x axis.</summary>
    internal static int HeightFor(IReadOnlyList<string> tags, int baseHeight = ChartImage.DefaultHeight) =>
        tags.Count == 0 ? baseHeight : baseHeight + 10 + 17 * TagBlock(tags).Split('\n').Length;

    /// <summary>Breaks a long line at spaces so titles and notes stay inside the image.</summary>
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
