using System.Globalization;
using InferenceEconomics.Economics;
using ScottPlot;

namespace InferenceEconomics.Reporting.Charts;

/// <summary>Cost per outcome: a conversation against its number of turns, a completed task against the success rate.</summary>
internal static class OutcomeCharts
{
    private const int MaxApis = 4;

    /// <summary>
    /// Cost of a conversation that stops after n turns (the sum of its first n turns), n = 1..N: self-hosted
    /// re-prefilling the context and with KV reuse (when measured), each API with caching (solid) and without (dotted).
    /// </summary>
    public static ChartSpec? Conversation(ConversationCost c, IReadOnlyList<string> tags)
    {
        if (c.Turns.Count == 0) return null;
        var extra = new List<string>();
        if (c.SelfHosted.Any(s => !s.PrefillMeasured)) extra.Add("self-hosted turn times partly estimated between measured prompt lengths");
        if (c.SelfHostedKvReuseTotal is null) extra.Add("KV reuse not measured (not shown)");
        tags = [.. tags, .. extra];
        const string title = "Cost per conversation vs number of turns";
        var series = new List<(string Label, double[] Y, Color Color, bool Dotted, float Width)>
        {
            ("self-hosted, re-prefill", Cumulative(c.SelfHosted.Select(s => (double?)s.Dollars)), Colors.DarkGreen, false, 3),
        };
        if (c.SelfHostedKvReuseTotal is not null)
            series.Add(("self-hosted, KV reuse", Cumulative(c.SelfHosted.Select(s => s.KvReuseDollars)), Colors.LimeGreen, false, 3));
        var palette = new ScottPlot.Palettes.Category10();
        int[] colors = [0, 1, 3, 4];
        int k = 0;
        foreach (var a in c.Api.Where(a => a.CachedTotal is not null && a.UncachedTotal is not null).OrderBy(a => a.CachedTotal).Take(MaxApis))
        {
            var color = palette.GetColor(colors[k++ % colors.Length]);
            series.Add(($"{a.Model} cached", Cumulative(a.CachedDollars), color, false, 2));
            series.Add(($"{a.Model} uncached", Cumulative(a.UncachedDollars), color, true, 2));
        }
        series = series.Select(x => x with { Label = $"{x.Label}: {(double.IsFinite(x.Y[^1]) ? Money(x.Y[^1]) : "unknown")}" }).ToList();
        double[] xs = Enumerable.Range(1, c.Turns.Count).Select(i => (double)i).ToArray();
        var plot = RunCharts.NewPlot(title, "turns in the conversation", "US$ per conversation", tags,
            Inv($"{c.Workload} ($ at {c.Turns.Count} turns in the legend): the whole history resent each turn, {c.TurnSpacingSeconds:0.#} s apart (API cache lifetime {c.CacheTtlSeconds:0} s); self-hosted at batch {c.BatchSize}"));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var x in xs) ticks.AddMajor(x, x.ToString("0", CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(0.8, xs[^1] + 0.2);
        return Lines(plot, "conversation_cost", title, xs, series, tags, x => x.ToString("0", CultureInfo.InvariantCulture) + " turns", null);
    }

    /// <summary>Cost per completed task against the success rate of an attempt (calls x (1 + retry) / success x $ per call), the workload's rate marked.</summary>
    public static ChartSpec? Task(TaskCost t, IReadOnlyList<string> tags)
    {
        const string title = "Cost per completed task vs success rate";
        double[] xs = Enumerable.Range(2, 19).Select(i => i * 0.05).ToArray(); // 0.10 .. 1.00
        double Calls(double s) => OutcomeCostFormula(t, s);
        var series = new List<(string Label, double[] Y, Color Color, bool Dotted, float Width)>
        {
            ($"self-hosted: {Money(t.SelfHostedPerTask)}", xs.Select(s => t.SelfHostedPerCall * Calls(s)).ToArray(), Colors.DarkGreen, false, 3),
        };
        var palette = new ScottPlot.Palettes.Category10();
        int[] colors = [0, 1, 3, 4, 9, 5];
        int k = 0;
        foreach (var a in t.Api.Where(a => a.PerCall is > 0).Take(6))
            series.Add(($"{a.Model}: {Money(a.PerTask!.Value)}", xs.Select(s => a.PerCall!.Value * Calls(s)).ToArray(), palette.GetColor(colors[k++ % colors.Length]), false, 2));
        var plot = RunCharts.NewPlot(title, "success rate of an attempt", "US$ per completed task", tags,
            Inv($"{t.Workload} ($ at its success rate {t.SuccessRate:0.##} in the legend): {t.CallsPerTask} calls per attempt, {t.RetryRate * 100:0.#}% retried; expected calls = calls x (1 + retry) / success"));
        return Lines(plot, "task_cost", title, xs, series, tags, x => x.ToString("0.##", CultureInfo.InvariantCulture), t.SuccessRate);
    }

    private static double OutcomeCostFormula(TaskCost t, double success) => t.CallsPerTask * (1 + t.RetryRate) / success;

    private static ChartSpec Lines(Plot plot, string name, string title, double[] xs, List<(string Label, double[] Y, Color Color, bool Dotted, float Width)> series,
        IReadOnlyList<string> tags, Func<double, string> xText, double? markX)
    {
        var all = series.SelectMany(s => s.Y).Where(v => v > 0 && double.IsFinite(v)).ToList();
        bool log = RunCharts.SpansDecade(series.Select(s => s.Y.Where(double.IsFinite).DefaultIfEmpty(0).Max()));
        foreach (var s in series)
        {
            var ys = s.Y.Select(v => log ? Math.Log10(v) : v).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, s.Color);
            line.LineWidth = s.Width;
            line.MarkerSize = 5;
            if (s.Dotted) line.LinePattern = LinePattern.Dotted;
            line.LegendText = s.Label;
        }
        if (markX is { } m)
        {
            var v = plot.Add.VerticalLine(m, 1.5f, Colors.Black, LinePattern.Dashed);
            v.LegendText = $"the workload's success rate {m:0.##}";
        }
        if (log && all.Count > 0)
        {
            double lo = Math.Log10(all.Min()) - 0.1, hi = Math.Log10(all.Max()) + 0.1;
            plot.Axes.SetLimitsY(lo, hi);
            plot.Axes.Left.TickGenerator = RunCharts.LogTicks(lo, hi, v => Money(v));
            plot.YLabel("US$ (log scale)", 13);
        }
        else if (all.Count > 0) plot.Axes.SetLimitsY(0, all.Max() * 1.08);
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        return new ChartSpec(name, title, plot, ChartImage.DefaultWidth, RunCharts.HeightFor(tags) + 40 + 21 * ((series.Count + 2) / 2)) { LogY = log };
    }

    /// <summary>Running sums: y[n-1] = the cost of the first n turns; NaN from the first unknown price on (not drawn as 0).</summary>
    internal static double[] Cumulative(IEnumerable<double?> perTurn)
    {
        var list = new List<double>();
        double sum = 0;
        bool unknown = false;
        foreach (var v in perTurn)
        {
            if (v is not { } x) unknown = true;
            else sum += x;
            list.Add(unknown ? double.NaN : sum);
        }
        return list.ToArray();
    }

    private static string Money(double v) => RunCharts.Money(v);
    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
