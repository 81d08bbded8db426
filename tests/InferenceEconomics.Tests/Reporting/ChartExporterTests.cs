using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;

namespace InferenceEconomics.Tests.Reporting;

public class ChartExporterTests
{
    [Fact]
    public void Writes_every_chart_as_png_and_svg_with_the_requested_pixel_size()
    {
        using var tmp = new TempFolder();
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
        using var tmp = new TempFolder();
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
        using var tmp = new TempFolder();
        var ctx = new ReportContext(TestRuns.Build(telemetry: false), tmp.Path);

        new ChartExporter().Export(ctx);

        var names = Directory.GetFiles(Path.Combine(tmp.Path, "charts"), "*.png").Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToArray();
        Assert.Equal(["decode_tps", "latency", "prefill_tps"], names);
    }

    [Fact]
    public void Charts_of_synthetic_runs_and_estimated_power_carry_the_labels()
    {
        var ctx = new ReportContext(TestRuns.Build(), "unused") { Cost = TestRuns.Cost() };
        var charts = RunCharts.Build(ctx).Select(ChartImage.Render).ToList();

        foreach (var c in charts)
            Assert.Contains("synthetic weights", c.Svg);
        Assert.Contains("estimated", charts.Single(c => c.Name == "breakeven").Svg);
        Assert.Contains("rapl not measured", charts.Single(c => c.Name == "telemetry").Svg);
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
    public void Utilization_only_telemetry_still_charts_with_the_power_sources_marked_not_measured()
    {
        // A CPU box: procfs utilization as a 0..1 fraction, no power source at all.
        var run = TestRuns.Build(device: "cpu");
        var t = run.Telemetry! with
        {
            Sources = [new Schema.TelemetrySourceStatus("nvml", false, "libnvidia-ml.so.1 not found", null), new Schema.TelemetrySourceStatus("procfs", true, null, null)],
            Series = [new Schema.TelemetrySeries("cpu.util", "fraction", [1.0, 2.0, 3.0], [0.2, 0.9, 0.5])],
        };
        var charts = RunCharts.Build(new ReportContext(run with { Telemetry = t }, "unused"));
        var tel = ChartImage.Render(charts.Single(c => c.Name == "telemetry"));
        Assert.Equal((tel.Width, tel.Height), ChartImage.PngSize(tel.Png));
        Assert.True(tel.Height > ChartImage.DefaultHeight); // room for the label lines
        Assert.Contains("nvml not measured: libnvidia-ml.so.1 not found", tel.Svg);
        Assert.Contains("utilization %", tel.Svg);
    }
}
