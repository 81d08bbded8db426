using System.Globalization;
using InferenceEconomics.Economics;
using ScottPlot;

namespace InferenceEconomics.Reporting.Charts;

/// <summary>
/// The interactivity frontier chart: x = output tokens per second each user sees (1 / TPOT), y = $ per
/// million output tokens; one series per model/precision/engine/hardware (and shape), points labelled
/// with their batch size, frontier points ringed, API output prices as labelled horizontal lines.
/// Axes turn logarithmic when the values span more than 10x.
/// </summary>
public static class FrontierChart
{
    public const string Name = "frontier";
    public const string Title = "Cost per output token vs speed per user (interactivity frontier)";

    public static ChartSpec? Build(FrontierAnalysis f, IReadOnlyList<string> labels)
    {
        var points = f.Points.Where(p => p.PerUserTokensPerSecond > 0 && p.OutputCostPerMFullUse > 0).ToList();
        if (points.Count == 0) return null;
        bool severalShapes = points.Select(p => (p.PromptTokens, p.GenTokens)).Distinct().Count() > 1;
        string SeriesKey(FrontierPoint p) => p.Series + (severalShapes ? $", P={p.PromptTokens} G={p.GenTokens}" : "");
        bool showUse = points.Any(p => p.Utilization < 1);

        var apis = f.Api.Where(a => a.OutputPerMTokens > 0).ToList();
        var allY = points.Select(p => p.OutputCostPerMFullUse)
            .Concat(showUse ? points.Select(p => p.OutputCostPerMAtUtilization) : [])
            .Concat(apis.Select(a => a.OutputPerMTokens)).ToList();
        var allX = points.Select(p => p.PerUserTokensPerSecond).ToList();
        bool logX = allX.Max() / allX.Min() > 10, logY = allY.Max() / allY.Min() > 10;
        double X(double v) => logX ? Math.Log10(v) : v;
        double Y(double v) => logY ? Math.Log10(v) : v;

        var prices = points.Select(p => p.DollarsPerHour).Distinct().ToList();
        string per = points.Any(p => p.PointLabel is not null) ? "one point per load level (c = concurrent clients, /s = request rate), at that level's throughput" : "one point per measured batch size (B), at full use";
        string subtitle = $"{per}, {(prices.Count == 1 ? $"{CostMarkdown.Money(prices[0])}/hour" : "each run's $/hour")}; ringed = Pareto frontier" +
                          (showUse ? "; dashed = at the traffic's use" : "") + (logX || logY ? $"; {(logX && logY ? "log axes" : logX ? "log x" : "log y")}" : "");
        var plot = RunCharts.NewPlot(Title, "output tokens per second per user (1 / TPOT)", "US$ per million output tokens", labels, subtitle);

        var palette = new ScottPlot.Palettes.Category10();
        int ci = 0;
        foreach (var g in points.GroupBy(SeriesKey).OrderBy(g => g.Key))
        {
            var color = palette.GetColor(ci++);
            var ordered = g.OrderBy(p => p.BatchSize).ToList();
            var line = plot.Add.Scatter(ordered.Select(p => X(p.PerUserTokensPerSecond)).ToArray(), ordered.Select(p => Y(p.OutputCostPerMFullUse)).ToArray(), color);
            line.LegendText = g.Key;
            line.MarkerSize = 8;
            line.LineWidth = 2;
            if (showUse)
            {
                var use = plot.Add.Scatter(ordered.Select(p => X(p.PerUserTokensPerSecond)).ToArray(), ordered.Select(p => Y(p.OutputCostPerMAtUtilization)).ToArray(), color);
                use.LinePattern = LinePattern.Dashed;
                use.MarkerShape = MarkerShape.OpenCircle;
                use.MarkerSize = 6;
                use.LineWidth = 1.2f;
                use.LegendText = $"{g.Key} at the traffic's use";
            }
            foreach (var p in ordered)
            {
                if (p.OnFrontier)
                {
                    var ring = plot.Add.Marker(X(p.PerUserTokensPerSecond), Y(p.OutputCostPerMFullUse), MarkerShape.OpenCircle, 17, color);
                    ring.MarkerLineWidth = 2;
                }
                var t = plot.Add.Text((p.PointLabel ?? $"B={p.BatchSize}") + (p.MeetsSlo == false ? " ✗SLO" : ""), X(p.PerUserTokensPerSecond), Y(p.OutputCostPerMFullUse));
                t.LabelFontSize = 11;
                t.LabelFontColor = color;
                t.Alignment = Alignment.LowerLeft;
                t.OffsetX = 6;
                t.OffsetY = -4;
            }
        }

        // Limits with some room, then the API lines labelled at the left edge.
        double xMin = allX.Min(), xMax = allX.Max();
        double yMin = allY.Min(), yMax = allY.Max();
        var (xl, xh) = Pad(X(xMin), X(xMax), logX);
        var (yl, yh) = Pad(Y(yMin), Y(yMax), logY);
        if (!logY) yl = 0;
        plot.Axes.SetLimits(xl, xh, yl, yh);
        var apiPalette = new ScottPlot.Palettes.Category10();
        int ai = 7;   // colours after the series': greys and olives, so API lines read as references
        foreach (var a in apis)
        {
            var c = apiPalette.GetColor(ai++);
            var h = plot.Add.HorizontalLine(Y(a.OutputPerMTokens), 1.5f, c, LinePattern.Dotted);
            h.ExcludeFromLegend = true;
            var t = plot.Add.Text($"{a.Name} {CostMarkdown.Money(a.OutputPerMTokens)}/M out{(a.Uncertain ? " [?]" : "")} (seen {a.Seen})", xl, Y(a.OutputPerMTokens));
            t.LabelFontSize = 11;
            t.LabelFontColor = c;
            t.Alignment = Alignment.LowerLeft;
            t.OffsetX = 4;
        }
        if (logX) plot.Axes.Bottom.TickGenerator = LogTicks(xl, xh, v => v.ToString(v >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture));
        if (logY) plot.Axes.Left.TickGenerator = LogTicks(yl, yh, v => "$" + v.ToString(v >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture));
        plot.ShowLegend(Alignment.UpperRight);
        return new ChartSpec(Name, Title, plot, ChartImage.DefaultWidth, RunCharts.HeightFor(labels, ChartImage.DefaultHeight + 60));
    }

    private static (double Low, double High) Pad(double lo, double hi, bool log)
    {
        double span = hi - lo;
        if (span <= 0) span = log ? 0.5 : Math.Max(Math.Abs(hi) * 0.5, 1e-9);
        return (lo - span * 0.12, hi + span * 0.18);
    }

    /// <summary>Ticks at 1, 2 and 5 x 10^k between two log10 positions, labelled in real units.</summary>
    internal static ScottPlot.TickGenerators.NumericManual LogTicks(double log10Low, double log10High, Func<double, string> format)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = (int)Math.Floor(log10Low) - 1; k <= (int)Math.Ceiling(log10High); k++)
            foreach (var m in new[] { 1.0, 2.0, 5.0 })
            {
                double v = m * Math.Pow(10, k), pos = Math.Log10(v);
                if (pos < log10Low || pos > log10High) continue;
                ticks.AddMajor(pos, format(v));
            }
        for (int k = (int)Math.Floor(log10Low) - 1; k <= (int)Math.Ceiling(log10High); k++)
            for (int m = 2; m <= 9; m++)
            {
                double pos = Math.Log10(m * Math.Pow(10, k));
                if (pos >= log10Low && pos <= log10High && m is not (2 or 5)) ticks.AddMinor(pos);
            }
        return ticks;
    }
}
