using InferenceEconomics.Metrics;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;
using ScottPlot;

namespace InferenceEconomics.Reporting.Charts;

/// <summary>A metric over time, one line per hardware (GPU or CPU model), at the history's reference scenario.</summary>
public static class HistoryChart
{
    public static ChartSpec? Build(HistoryReport h)
    {
        var points = h.Entries.Where(e => e.Value is not null).ToList();
        if (points.Count == 0) return null;
        var labels = new List<string>();
        if (points.Any(p => p.Run.SyntheticWeights)) labels.Add("includes runs with synthetic weights");
        string unit = h.Metric.Unit.DisplaySymbol;
        double scale = h.Metric.Unit.DisplayScale;
        var title = $"{h.Metric.Id} over time ({h.ScenarioKey})";
        var plot = RunCharts.NewPlot(title, "run start (UTC)", $"{h.Metric.Id} ({unit}, {(h.Metric.Better == Better.Higher ? "higher" : "lower")} is better)", labels,
            string.Join(", ", points.Select(p => p.Run.Model).Distinct()));
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var g in points.GroupBy(p => p.Run.Hardware).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var xs = g.Select(p => p.Run.StartedUtc.UtcDateTime.ToOADate()).ToArray();
            var ys = g.Select(p => p.Value!.Value * scale).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(i++));
            line.LegendText = g.Key;
            line.MarkerSize = 8;
        }
        var dateAxis = plot.Axes.DateTimeTicksBottom();
        if (dateAxis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic auto)
            auto.LabelFormatter = d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture); // ISO dates, not US order
        double top = points.Max(p => p.Value!.Value * scale);
        plot.Axes.SetLimitsY(0, top * 1.15);
        if (points.Select(p => p.Run.StartedUtc).Distinct().Count() == 1)
        {
            double x = points[0].Run.StartedUtc.UtcDateTime.ToOADate();
            plot.Axes.SetLimitsX(x - 1, x + 1); // a single day would otherwise have no width
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return new ChartSpec($"history_{h.Metric.Id}", title, plot, ChartImage.DefaultWidth, RunCharts.HeightFor(labels));
    }
}
