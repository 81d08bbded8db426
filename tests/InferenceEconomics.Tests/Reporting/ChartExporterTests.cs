using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using ScottPlot;

namespace InferenceEconomics.Tests.Reporting;

public class ChartExporterTests
{
    [Fact]
    public void Writes_every_chart_as_png_and_svg_with_the_requested_pixel_size()
    {
        using var tmp = new TempDir();
        var ctx = new ReportContext(TestRuns.Build(), tmp.Path) { Cost = TestRuns.Cost() };

        var files = new ChartExporter().Export(ctx);

        string[] expected = ["prefill_tps", "decode_tps", "latency", "telemetry", "cost_per_mtok", "breakeven"];
        Assert.Equal(expected.Length * 2, files.Count);
        foreach (var name in expected)
        {
            var png = Path.Combine(tmp.Path, "charts", name + ".png");
            var svg = Path.Combine(tmp.Path, "charts", name + ".svg");
            Assert.Contains(png, files);
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5_000, $"{name}.png is only {bytes.Length} bytes");
            var size = ChartImage.PngSize(bytes);
            Assert.NotNull(size);
            Assert.Equal(ChartImage.DefaultWidth, size.Value.Width);
            Assert.True(size.Value.Height >= ChartImage.DefaultHeight);
            var svgText = File.ReadAllText(svg);
            Assert.Contains("<svg", svgText);
            Assert.EndsWith("</svg>", svgText.TrimEnd());
            Assert.True(svgText.Length > 2_000);
            File.Copy(png, Path.Combine(TestArtifacts.Dir, name + ".png"), overwrite: true);
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(tmp.Path, "charts"), "*.tmp")); // atomic writes leave nothing behind
    }

    [Fact]
    public void Rerendering_without_a_price_removes_the_earlier_cost_charts()
    {
        using var tmp = new TempDir();
        new ChartExporter().Export(new ReportContext(TestRuns.Build(), tmp.Path) { Cost = TestRuns.Cost() });
        Assert.True(File.Exists(Path.Combine(tmp.Path, "charts", "breakeven.png")));
        var second = new ChartExporter().Export(new ReportContext(TestRuns.Build(), tmp.Path));
        var onDisk = Directory.GetFiles(Path.Combine(tmp.Path, "charts")).Order().ToArray();
        Assert.Equal(second.Order().ToArray(), onDisk);
        Assert.DoesNotContain(onDisk, f => f.Contains("breakeven") || f.Contains("cost_per_mtok"));
    }

    [Fact]
    public void Without_telemetry_or_price_only_the_measured_charts_are_written()
    {
        using var tmp = new TempDir();
        var ctx = new ReportContext(TestRuns.Build(telemetry: false), tmp.Path);

        new ChartExporter().Export(ctx);

        var names = Directory.GetFiles(Path.Combine(tmp.Path, "charts"), "*.png").Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToArray();
        Assert.Equal(["decode_tps", "latency", "prefill_tps"], names);
    }

    [Fact]
    public void Charts_carry_their_own_short_notes_not_the_runs_warnings()
    {
        var ctx = new ReportContext(TestRuns.Build(), "unused") { Cost = TestRuns.Cost() };
        var charts = RunCharts.Build(ctx).Select(ChartImage.Render).ToList();

        foreach (var c in charts)
        {
            Assert.Contains("synthetic weights", c.Svg);
            Assert.DoesNotContain("same shape as phi-3-mini", c.Svg);           // the run's label, said once in the report
            Assert.DoesNotContain("energy from estimated watts (400 W, user-supplied)", c.Svg); // a cost label, idem
        }
        Assert.Contains("power estimated (400 W given)", charts.Single(c => c.Name == "breakeven").Svg);
        Assert.Contains("some API prices unknown (not shown)", charts.Single(c => c.Name == "cost_per_mtok").Svg);
        var tel = charts.Single(c => c.Name == "telemetry").Svg;
        Assert.Contains("not measured: rapl", tel);
        Assert.DoesNotContain("powercap", tel);                                   // the reason is the report's
        Assert.DoesNotContain("not measured", charts.Single(c => c.Name == "decode_tps").Svg);
    }

    [Fact]
    public void Real_weights_without_labels_show_no_synthetic_warning()
    {
        var ctx = new ReportContext(TestRuns.Build(synthetic: false, telemetry: false), "unused");
        var decode = ChartImage.Render(RunCharts.Build(ctx).Single(c => c.Name == "decode_tps"));
        Assert.DoesNotContain("synthetic", decode.Svg);
        Assert.Equal((900, 520), ChartImage.PngSize(decode.Png)); // no label band
    }

    [Fact]
    public void Png_size_is_read_from_the_header_and_rejects_other_files()
    {
        // A hand-made IHDR header: width 0x0320 = 800, height 0x0258 = 600.
        byte[] header = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0x03, 0x20, 0, 0, 0x02, 0x58];
        Assert.Equal((800, 600), ChartImage.PngSize(header));
        Assert.Null(ChartImage.PngSize("<svg></svg>........................"u8));
    }

    [Fact]
    public void Utilization_only_telemetry_has_no_power_axis_and_a_0_to_100_percent_axis()
    {
        // A CPU box: procfs utilization as a 0..1 fraction, no power source at all.
        var run = TestRuns.Build(device: "cpu");
        var t = run.Telemetry! with
        {
            Sources = [new InferenceEconomics.Schema.TelemetrySourceStatus("nvml", false, "libnvidia-ml.so.1 not found", null), new InferenceEconomics.Schema.TelemetrySourceStatus("procfs", true, null, null)],
            Series = [new InferenceEconomics.Schema.TelemetrySeries("host.system_cpu", "fraction", [1.0, 2.0, 3.0], [0.2, 0.9, 0.5])],
        };
        var spec = RunCharts.Build(new ReportContext(run with { Telemetry = t }, "unused")).Single(c => c.Name == "telemetry");
        var tel = ChartImage.Render(spec);

        Assert.Equal("Utilization over time", spec.Title);
        var lines = spec.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        var line = Assert.Single(lines);                                        // utilization only
        Assert.Same(spec.Plot.Axes.Left, line.Axes.YAxis);                      // on the left axis: no empty power axis beside it
        Assert.Equal([20.0, 90.0, 50.0], line.Data.GetScatterPoints().Select(p => Math.Round(p.Y, 9)));  // fraction shown as percent
        Assert.Equal("utilization %", spec.Plot.Axes.Left.Label.Text);
        Assert.Equal("", spec.Plot.Axes.Right.Label.Text);
        Assert.Equal((0.0, 105.0), (spec.Plot.Axes.Left.Min, spec.Plot.Axes.Left.Max));
        Assert.DoesNotContain("watts", tel.Svg);
        Assert.Contains("power not measured (nvml unavailable)", tel.Svg);
        Assert.Contains("CPU, whole machine", tel.Svg);
        Assert.Equal((tel.Width, tel.Height), ChartImage.PngSize(tel.Png));
    }

    [Fact]
    public void Power_goes_on_the_left_axis_and_utilization_on_the_right_in_solid_lines()
    {
        var spec = RunCharts.Build(new ReportContext(TestRuns.Build(), "unused")).Single(c => c.Name == "telemetry");
        var lines = spec.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(["GPU 0 power (W, left)", "GPU 0 utilization (%, right)"], lines.Select(l => l.LegendText));
        Assert.Same(spec.Plot.Axes.Left, lines[0].Axes.YAxis);
        Assert.Same(spec.Plot.Axes.Right, lines[1].Axes.YAxis);
        Assert.All(lines, l => Assert.Equal(LinePattern.Solid, l.LinePattern));
        Assert.Equal("watts", spec.Plot.Axes.Left.Label.Text);
        Assert.Equal("utilization %", spec.Plot.Axes.Right.Label.Text);
        // The test run samples every 50 ms for about 7 s: more points than a line keeps, so it is binned.
        Assert.True(TestRuns.Build().Telemetry!.Series[0].Offsets.Count > RunCharts.MaxLinePoints);
        Assert.All(lines, l => Assert.InRange(l.Data.GetScatterPoints().Count, RunCharts.MaxLinePoints / 2, RunCharts.MaxLinePoints));
    }

    [Fact]
    public void Decimation_keeps_time_bin_means_and_leaves_short_series_alone()
    {
        double[] xs = Enumerable.Range(0, 5000).Select(i => i * 0.01).ToArray();
        var (dx, dy) = RunCharts.Decimate(xs, xs.Select(x => 3 * x + 1).ToArray(), 300);
        Assert.InRange(dx.Length, 250, 300);
        Assert.True(dx.Zip(dx.Skip(1)).All(p => p.Second > p.First));
        // A mean of points on a straight line lies on the same line, at the mean time.
        Assert.All(dx.Zip(dy), p => Assert.Equal(3 * p.First + 1, p.Second, 9));
        Assert.Equal(xs.Average(), dx.Average(), 1);
        var (sx, sy) = RunCharts.Decimate([1.0, 2, 3], [5.0, double.NaN, 7], 300);
        Assert.Equal([1.0, 3], sx);                                            // NaN samples are gaps, not zeros
        Assert.Equal([5.0, 7], sy);
    }

    [Fact]
    public void Breakeven_uses_log_axes_when_the_lines_end_two_decades_apart()
    {
        // Self-hosted: one machine at $1,000/month serving 1M requests/month. APIs at $0.0001 and
        // $0.05 per request: at 3M requests (3 x the traffic) they cost $300 and $150,000, with
        // self-hosting at 3 machines = $3,000: 500x apart, over two decades.
        var wide = Priced(0.0001, 0.05);
        var spec = RunCharts.Build(new ReportContext(TestRuns.Build(), "unused") { Cost = wide }).Single(c => c.Name == "breakeven");
        Assert.True(spec.LogY);
        Assert.True(spec.LogX);
        // The $0.05 API breaks even at 20k requests/month (its $1,000 = one machine): marked at log10 of both.
        var marker = Assert.Single(spec.Plot.GetPlottables().OfType<ScottPlot.Plottables.Marker>());
        Assert.Equal(Math.Log10(20_000), marker.Location.X, 6);
        Assert.Equal(Math.Log10(1_000), marker.Location.Y, 6);
        // The ticks name dollars and volumes, not their logarithms (a tick generator lists its ticks once drawn).
        var svg = ChartImage.Render(spec).Svg;
        var yTicks = ((ScottPlot.TickGenerators.NumericManual)spec.Plot.Axes.Left.TickGenerator).Ticks.Where(t => t.IsMajor).ToList();
        Assert.Contains(yTicks, t => t.Label == "$1k" && Math.Abs(t.Position - 3) < 1e-9);
        var xTicks = ((ScottPlot.TickGenerators.NumericManual)spec.Plot.Axes.Bottom.TickGenerator).Ticks.Where(t => t.IsMajor).ToList();
        Assert.Contains(xTicks, t => t.Label == "1M" && Math.Abs(t.Position - 6) < 1e-9);
        Assert.Contains("log scale", svg);

        // APIs within 3x of self-hosting at the right edge: a linear chart shows them all.
        var close = Priced(0.0008, 0.0015);
        var linear = RunCharts.Build(new ReportContext(TestRuns.Build(), "unused") { Cost = close }).Single(c => c.Name == "breakeven");
        Assert.False(linear.LogY);
        Assert.False(linear.LogX);
    }

    [Fact]
    public void Latency_goes_on_a_log_axis_exactly_when_its_series_peak_a_decade_apart()
    {
        foreach (var run in new[] { TestRuns.Build(), TestRuns.Build(batches: [1, 8], prompts: [128]) })
        {
            var spec = RunCharts.Build(new ReportContext(run, "unused")).Single(c => c.Name == "latency");
            // Independently: per (P, G), the TTFT medians and ITL p50/p99 of the summaries, in ms.
            var series = run.Scenarios.GroupBy(s => (s.PromptTokens, s.GenTokens)).SelectMany(g => new[]
            {
                g.Select(s => s.Summary!["ttft_seconds"].Median * 1000).ToList(),
                g.Select(s => s.Summary!["itl_seconds"].Median * 1000).ToList(),
                g.Select(s => s.Summary!["itl_seconds"].P99 * 1000).ToList(),
            }).ToList();
            var peaks = series.Select(s => s.Max()).ToList();
            Assert.Equal(peaks.Max() / peaks.Min() >= 10, spec.LogY);
            var drawn = spec.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().SelectMany(l => l.Data.GetScatterPoints()).Select(p => spec.LogY ? Math.Pow(10, p.Y) : p.Y);
            Assert.Equal(series.SelectMany(s => s).Order().Select(v => Math.Round(v, 6)), drawn.Order().Select(v => Math.Round(v, 6)));
        }
        // TTFT at B=8, P=512 (about 160 ms) is over 10x the ITL (about 12-16 ms); at P=128 it is not.
        Assert.True(RunCharts.Build(new ReportContext(TestRuns.Build(), "unused")).Single(c => c.Name == "latency").LogY);
        Assert.False(RunCharts.Build(new ReportContext(TestRuns.Build(batches: [1, 8], prompts: [128]), "unused")).Single(c => c.Name == "latency").LogY);
    }

    [Fact]
    public void A_single_throughput_series_stays_linear_from_zero_however_steep()
    {
        // Decode t/s at B=1 and B=64 differ about 15-fold (1 / 11.6 ms against 64 / 49.4 ms per step),
        // but one line squeezes no other.
        var run = TestRuns.Build(batches: [1, 64], prompts: [128]);
        var decode = run.Scenarios.Select(s => s.Summary!["decode_tps"].Median).ToList();
        Assert.True(decode.Max() / decode.Min() >= 10);
        var spec = RunCharts.Build(new ReportContext(run, "unused")).Single(c => c.Name == "decode_tps");
        Assert.False(spec.LogY);
        Assert.Equal(0, spec.Plot.Axes.Left.Min);
    }

    [Theory]
    [InlineData(12_345, "12.3k")]
    [InlineData(501_718, "502k")]
    [InlineData(1_500_000, "1.5M")]
    [InlineData(999.7, "1k")]
    [InlineData(0.5, "0.5")]
    [InlineData(20, "20")]
    public void Compact_numbers_keep_three_significant_digits(double v, string expected) => Assert.Equal(expected, RunCharts.Compact(v));

    /// <summary>One machine at $1,000/month with 1M requests/month of capacity; 1M requests/month of traffic; two APIs.</summary>
    private static InferenceEconomics.Economics.CostComparison Priced(double cheapPerRequest, double dearPerRequest)
    {
        double capacityPerHour = 1_000_000 / 730.0;
        double perDay = 1_000_000 / 730.0 * 24;
        static double? BreakEven(double perRequest) => 1000 / perRequest <= 1_000_000 ? 1000 / perRequest : null;
        return TestRuns.Cost() with
        {
            RequestsPerDay = perDay,
            PeakToMean = 1,
            SelfHosted = TestRuns.Cost().SelfHosted with { CapacityRequestsPerHour = capacityPerHour, Machines = 1, MonthlyCost = 1000, Utilization = 1 },
            Api =
            [
                new InferenceEconomics.Economics.ApiCostLine { Provider = "a", Model = "cheap", CostPerRequest = cheapPerRequest, BreakEvenRequestsPerMonth = BreakEven(cheapPerRequest) },
                new InferenceEconomics.Economics.ApiCostLine { Provider = "b", Model = "dear", CostPerRequest = dearPerRequest, BreakEvenRequestsPerMonth = BreakEven(dearPerRequest) },
            ],
        };
    }
}
