using InferenceEconomics.Reporting;

namespace InferenceEconomics.Tests.Reporting;

public class HtmlExporterTests
{
    [Fact]
    public void A_run_without_telemetry_or_price_says_not_measured_instead_of_leaving_gaps()
    {
        using var tmp = new TempDir();
        var ctx = new ReportContext(TestRuns.Build(telemetry: false), tmp.Path);
        var html = File.ReadAllText(new HtmlExporter().Export(ctx).Single());

        Assert.Contains("telemetry was off", html);
        Assert.Contains("id=\"no-telemetry-chart\"", html);
        Assert.Contains("id=\"no-cost-chart\"", html);
        Assert.Contains("not measured", html);
        Assert.Equal(3, html.Split("<img class=\"chart\"").Length - 1); // prefill, decode, latency
        Assert.DoesNotContain("http://", html);                      // nothing to fetch
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public void An_unknown_api_price_reads_unknown_not_never()
    {
        var run = TestRuns.Build(batches: [1], prompts: [128]);
        var html = HtmlExporter.Render(new ReportContext(run, "unused") { Cost = TestRuns.Cost() }, []);
        var row = html.Split("<tr>").Single(r => r.Contains("unknown-price"));
        Assert.DoesNotContain("never", row);                 // break-even with an unknown price is unknown
        Assert.Equal(3, row.Split("unknown</span>").Length - 1);  // $/request, $/month, break-even
    }

    [Fact]
    public void Text_from_the_result_is_html_encoded()
    {
        var run = TestRuns.Build(batches: [1], prompts: [128]);
        run = run with { Environment = run.Environment with { Host = "<script>alert(1)</script>" } };
        var html = HtmlExporter.Render(new ReportContext(run, "unused"), []);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }
}
