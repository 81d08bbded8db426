using InferenceEconomics.Reporting;
using InferenceEconomics.Tests.TestSupport;
using Microsoft.Playwright;

namespace InferenceEconomics.Tests.Reporting;

/// <summary>
/// Opens report.html in an installed headless Chromium, Chrome or Edge (found by TestSupport.Browser;
/// driven by Playwright for .NET, whose own browser download is never used) and checks what a reader
/// sees: title, main table, every chart decoded, no console errors. The screenshot is kept under
/// TestResults/reports/. Skipped, with the reason, where no such browser is installed.
/// </summary>
public class HtmlReportBrowserTests
{

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    [BrowserFact]
    public async Task Report_renders_in_headless_chromium_with_every_chart_and_no_console_error()
    {
        var chromium = Browser.Find().Path!;
        using var tmp = new TempDir();
        var result = TestRuns.Build();
        var ctx = new ReportContext(result, tmp.Path) { Cost = TestRuns.Cost() };
        var path = new HtmlExporter().Export(ctx).Single();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
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

    [Fact]
    public void Browser_search_takes_the_override_alone_then_path_then_install_folders()
    {
        using var tmp = new TempDir();
        var onPath = Directory.CreateDirectory(Path.Combine(tmp.Path, "bin")).FullName;
        var installed = Path.Combine(tmp.Path, "opt-chrome");
        MakeProgram(installed);

        // Nothing anywhere: no path, and a reason naming the override and an install command.
        var none = Browser.Find(null, onPath, [Path.Combine(tmp.Path, "absent")]);
        Assert.Null(none.Path);
        Assert.Contains("IE_CHROMIUM", none.Reason);
        Assert.Contains(OperatingSystem.IsWindows() ? "Chrome or Edge" : "apt-get install -y chromium", none.Reason);

        Assert.Equal(installed, Browser.Find(null, onPath, [installed]).Path);
        var exe = Path.Combine(onPath, OperatingSystem.IsWindows() ? "chromium.exe" : "chromium");
        File.WriteAllText(exe, "");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(installed, Browser.Find(null, onPath, [installed]).Path); // not executable: not a browser
        MakeProgram(exe);
        Assert.Equal(exe, Browser.Find(null, onPath, [installed]).Path);   // PATH before install folders

        // An override that is not a file is not silently replaced by another browser.
        var wrong = Browser.Find(Path.Combine(tmp.Path, "nope"), onPath, [installed]);
        Assert.Null(wrong.Path);
        Assert.Contains("IE_CHROMIUM=" + Path.Combine(tmp.Path, "nope") + " is not a program", wrong.Reason);
        Assert.Equal(installed, Browser.Find(installed, onPath, []).Path);
    }

    private static void MakeProgram(string path)
    {
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
