using System.Net;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;

namespace InferenceEconomics.Tests.Reporting;

/// <summary>Each warning of a run is read once per report; the machine line says each thing once.</summary>
public class ReportWarningsTests
{
    private const string Throttle = "gpu0 throttled (power cap) during decode: 3 of 40 samples";
    private const string Capacity = "capacity estimated: 0.5 s per batch of 8 requests (test)";

    /// <summary>A priced synthetic run with a telemetry warning; the cost labels begin with the run's, as CostAnalyzer makes them.</summary>
    private static ReportContext Context()
    {
        var run = TestRuns.Build();
        // The label as a real run words it (the environment section names the weights too, as a fact about the model).
        run = run with { Labels = ["synthetic weights, same shape as phi-3-mini: throughput is real, generated text is meaningless"] };
        run = run with { Scenarios = run.Scenarios.Select((s, i) => i == 0 ? s with { Telemetry = s.Telemetry! with { Warnings = [Throttle] } } : s).ToList() };
        var cost = TestRuns.Cost() with { Labels = [.. run.Labels, Capacity, .. TestRuns.Cost().Labels] };
        return new ReportContext(run, "unused") { Cost = cost };
    }

    private static string[] Warnings(ReportContext ctx) => [.. ctx.Result.Labels, Capacity, .. TestRuns.Cost().Labels, Throttle];

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public void Report_md_says_each_warning_once()
    {
        var ctx = Context();
        var md = MarkdownExporter.Render(ctx);
        Assert.Contains("synthetic weights, same shape as phi-3-mini: throughput is real, generated text is meaningless", Warnings(ctx));
        foreach (var w in Warnings(ctx)) Assert.True(Count(md, w) == 1, $"report.md says '{w}' {Count(md, w)} times");
    }

    [Fact]
    public void Report_html_says_each_warning_once_and_its_charts_do_not_repeat_them()
    {
        var ctx = Context();
        var charts = RunCharts.Build(ctx).Select(ChartImage.Render).ToList();
        var html = HtmlExporter.Render(ctx, charts);
        foreach (var w in Warnings(ctx)) Assert.True(Count(html, WebUtility.HtmlEncode(w)) == 1, $"report.html says '{w}' {Count(html, WebUtility.HtmlEncode(w))} times");
        foreach (var c in charts)
            foreach (var w in Warnings(ctx)) Assert.DoesNotContain(w, c.Svg);
    }

    [Fact]
    public void Rented_machine_line_says_price_basis_and_power_once()
    {
        var run = TestRuns.Build(device: "cpu", telemetry: false);
        var c = CostAnalyzer.Analyze(run, new CostRequest { Machine = new MachinePricing { PricePerHour = 0.5 }, RequestsPerDay = 20_000 });
        const string expected = "machine at $0.50/h (given), rented; power not measured";
        Assert.Equal(expected, CostMarkdown.MachineLine(c.Pricing));
        Assert.Contains($"<p id=\"machine\">Machine: {expected}</p>", HtmlExporter.Render(new ReportContext(run, "unused") { Cost = c }, []));
        Assert.Contains($"| Machine                     | {expected}", CostMarkdown.Render(c));
        Assert.Equal("1 x H100 SXM @ $2.99/GPU-h (example); power 400 W, estimated", CostMarkdown.MachineLine(TestRuns.Cost().Pricing));
    }

    [Fact]
    public void Owned_machine_line_is_its_description_which_already_gives_the_watts()
    {
        var run = TestRuns.Build(device: "cpu", telemetry: false);
        var c = CostAnalyzer.Analyze(run, new CostRequest { Machine = new MachinePricing { Capex = 30_000, Watts = 500 }, RequestsPerDay = 20_000 });
        var line = CostMarkdown.MachineLine(c.Pricing);
        Assert.StartsWith("owned machine: capex $30,000", line);
        Assert.Equal(1, Count(line, "500 W"));
        Assert.Equal(1, Count(line, "/h"));
    }
}
