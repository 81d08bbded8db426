using InferenceEconomics.Reporting;
using Microsoft.Playwright;

namespace InferenceEconomics.Tests.Reporting;

/// <summary>
/// Opens report.html in Debian's headless Chromium (driven by Playwright for .NET; no browser
/// download) and checks what a reader sees: title, main table, every chart decoded, no console
/// errors. The screenshot is kept under TestResults/reports/.
/// </summary>
public class HtmlReportBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    [Fact]
    public async Task Report_renders_in_headless_chromium_with_every_chart_and_no_console_error()
    {
        Assert.True(File.Exists(ChromiumPath), "headless Chromium is missing: apt-get install -y chromium (.ci/run installs it)");
        using var tmp = new TempFolder();
        var result = TestRuns.Build();
        var ctx = new ReportContext(result, tmp.Path) { Cost = TestRuns.Cost() };
        var path = new HtmlExporter().Export(ctx).Single();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        page.Console += (_, msg) => { if (msg.Type == "error") errors.Add(msg.Text); };
        page.PageError += (_, e) => errors.Add(e);
        var failedRequests = new List<string>();
        page.RequestFailed += (_, req) => failedRequests.Add(req.Url[..Math.Min(80, req.Url.Length)]);

        await page.GotoAsync(new Uri(path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        Assert.Equal($"InferenceEconomics report — phi-3-mini on NVIDIA H100 80GB HBM3", await page.TitleAsync());
        Assert.Equal(result.Scenarios.Count, await page.Locator("#scenarios tbody tr").CountAsync());
        Assert.Equal(1, await page.Locator("#scenarios tr#scenario-b8-p512-g17").CountAsync());
        Assert.Contains("synthetic weights", await page.Locator("#labels").InnerTextAsync());
        Assert.Contains("estimated", await page.Locator("#labels").InnerTextAsync());
        Assert.Contains("not measured", await page.Locator("#sources").InnerTextAsync()); // RAPL row

        var widths = await page.EvaluateAsync<int[]>("() => Array.from(document.querySelectorAll('img.chart')).map(i => i.complete ? i.naturalWidth : 0)");
        Assert.Equal(6, widths.Length); // throughput x2, latency, telemetry, cost, break-even
        Assert.All(widths, w => Assert.Equal(900, w));

        Assert.Empty(errors);
        Assert.Empty(failedRequests); // self-contained: nothing fetched
        var shot = Path.Combine(TestArtifacts.Dir, "report.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000);
        File.Copy(path, Path.Combine(TestArtifacts.Dir, "report.html"), overwrite: true);
    }
}
