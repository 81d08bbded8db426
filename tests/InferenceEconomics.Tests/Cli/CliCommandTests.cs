using System.Text.Json;
using InferenceEconomics.Cli;
using InferenceEconomics.Common;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;

using InferenceEconomics.Tests.Reporting;

namespace InferenceEconomics.Tests.Cli;

/// <summary>compare, history and report through the real CLI entry point, on result files in a temp project.</summary>
public class CliCommandTests
{
    private static (int Code, string Out, string Err) Cli(TempDir root, params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(root.Path), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    private static string Save(TempDir root, string name, RunResult r)
    {
        var dir = Path.Combine(root.Path, "results", name);
        ResultStore.Save(r, dir);
        return dir;
    }

    [Fact]
    public void Compare_of_a_run_with_itself_exits_zero_and_says_same()
    {
        using var root = new TempDir();
        var dir = Save(root, "run-a", TestRuns.Build());

        var (code, output, _) = Cli(root, "compare", dir, dir);

        Assert.Equal(0, code);
        Assert.Contains("decode_tps", output);
        Assert.DoesNotContain("Slower", output);
        Assert.DoesNotContain("Faster", output);
        Assert.Contains("result: no regression", output);
    }

    [Fact]
    public void Compare_catches_a_planted_regression_with_exit_code_12()
    {
        using var root = new TempDir();
        var baseline = TestRuns.Build(seed: 5);
        Save(root, "20261102T100000Z_box_phi", baseline);
        Save(root, "20261103T100000Z_box_phi", TestRuns.SlowDecode(baseline));

        // Run folder names resolve under results/.
        var (code, output, err) = Cli(root, "compare", "20261102T100000Z_box_phi", "20261103T100000Z_box_phi", "--threshold", "5%");

        Assert.Equal((int)ErrorKind.Regression, code);
        Assert.Equal(12, code);
        Assert.Contains("Slower", output);
        Assert.Contains("REGRESSION", output);
        Assert.Contains("regression:", err);
        File.WriteAllText(Path.Combine(TestArtifacts.Dir, "compare-regression.txt"), output);
    }

    [Fact]
    public void Compare_with_a_threshold_above_the_change_passes()
    {
        using var root = new TempDir();
        var baseline = TestRuns.Build(seed: 5);
        var a = Save(root, "a", baseline);
        var b = Save(root, "b", TestRuns.SlowDecode(baseline));
        Assert.Equal(0, Cli(root, "compare", a, b, "--threshold", "15%").Code); // 10% (decode) and 11.1% (ITL) < 15%
    }

    [Fact]
    public void Compare_json_is_a_document_with_the_verdicts()
    {
        using var root = new TempDir();
        var baseline = TestRuns.Build(seed: 5);
        var candidate = TestRuns.SlowDecode(baseline);
        var a = Save(root, "a", baseline);
        var b = Save(root, "b", candidate);

        var (code, output, _) = Cli(root, "compare", a, b, "--json", "--price-per-hour", "2.99,2.99");

        Assert.Equal(12, code);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("regressed").GetBoolean());
        var first = doc.RootElement.GetProperty("scenarios")[0];
        var decode = first.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "decode_tps");
        Assert.Equal("slower", decode.GetProperty("verdict").GetString()); // ResultJson: enums in snake_case
        Assert.Equal(0.9, decode.GetProperty("ratio").GetDouble(), 9);
        // Same price both sides: tokens per dollar moves with output tps = B x G / e2e (prefill unchanged, so less than 10%).
        double OutputTps(InferenceEconomics.Schema.ScenarioResult s) => s.Repetitions.Select(r => s.BatchSize * (double)s.GenTokens / (r.TtftSeconds + r.StepSeconds.Sum())).Order().Skip(2).Take(2).Average();
        double expected = OutputTps(candidate.Scenarios[0]) / OutputTps(baseline.Scenarios[0]);
        Assert.Equal(expected, first.GetProperty("tokens_per_dollar").GetProperty("ratio").GetDouble(), 9);
        Assert.InRange(expected, 0.9, 1.0);
    }

    [Theory]
    [InlineData(2, "compare")]                                       // no runs
    [InlineData(2, "compare", "a")]                                  // one run
    [InlineData(2, "compare", "a", "b", "--threshold", "abc")]
    [InlineData(2, "compare", "a", "b", "--threshold", "5")]         // 500%: out of range, write 5% or 0.05
    [InlineData(2, "compare", "a", "b", "--metrics", "decode_tsp")]
    [InlineData(2, "compare", "a", "b", "--treshold", "5%")]         // typo in an option
    [InlineData(11, "compare", "a", "missing")]
    public void Compare_bad_input_has_its_own_exit_codes(int expected, params string[] args)
    {
        using var root = new TempDir();
        Save(root, "a", TestRuns.Build());
        Save(root, "b", TestRuns.Build(seed: 2));
        var (code, _, err) = Cli(root, args);
        Assert.Equal(expected, code);
        Assert.StartsWith("error: ", err);
        Assert.DoesNotContain("   at ", err); // no stack trace without --verbose
    }

    [Fact]
    public void Compare_of_a_malformed_result_or_another_model_is_result_invalid()
    {
        using var root = new TempDir();
        var a = Save(root, "a", TestRuns.Build());
        var bad = Path.Combine(root.Path, "results", "bad");
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "result.json"), "{ \"run_id\": ");
        Assert.Equal(11, Cli(root, "compare", a, bad).Code);

        var other = TestRuns.Build();
        var b = Save(root, "other", other with { Model = other.Model with { HiddenSize = 4096 } });
        var (code, _, err) = Cli(root, "compare", a, b);
        Assert.Equal(11, code);
        Assert.Contains("model shape", err);
    }

    [Fact]
    public void Report_rerenders_csv_html_and_charts_beside_the_result()
    {
        using var root = new TempDir();
        var dir = Save(root, "run", TestRuns.Build());

        var (code, output, _) = Cli(root, "report", dir);

        Assert.Equal(0, code);
        Assert.True(new FileInfo(Path.Combine(dir, "scenarios.csv")).Length > 0);
        Assert.Contains("<table id=\"scenarios\">", File.ReadAllText(Path.Combine(dir, "report.html")));
        var png = File.ReadAllBytes(Path.Combine(dir, "charts", "decode_tps.png"));
        var size = ChartImage.PngSize(png)!.Value;
        Assert.Equal(900, size.Width);
        Assert.True(size.Height > 520, $"height {size.Height}: the label band (synthetic weights) adds to the 520 px plot");
        Assert.Contains("charts", output);

        Assert.Equal(11, Cli(root, "report", Path.Combine(root.Path, "nowhere")).Code);
        Assert.Equal(2, Cli(root, "report", dir, "--only", "pdf").Code);
    }

    [Fact]
    public void History_lists_runs_filters_them_and_writes_a_trend_chart()
    {
        using var root = new TempDir();
        var d0 = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
        Save(root, "r1", TestRuns.Build(seed: 1, started: d0, gpu: "NVIDIA H100 80GB HBM3"));
        Save(root, "r2", TestRuns.Build(seed: 2, started: d0.AddDays(7), gpu: "NVIDIA H100 80GB HBM3", speed: 1.05));
        Save(root, "r3", TestRuns.Build(seed: 3, started: d0.AddDays(9), gpu: "NVIDIA L40S", speed: 0.6));
        Save(root, "r4", TestRuns.Build(seed: 4, started: d0.AddDays(10), device: "cpu", model: "llama-3.2-1b"));

        var (code, output, _) = Cli(root, "history", "--model", "phi-3-mini");
        Assert.Equal(0, code);
        var lines = output.Split('\n');
        Assert.Equal(3, lines.Count(l => l.Contains("phi-3-mini")));
        Assert.Contains("B1 P128 G17", output);      // most common scenario, smallest B first
        var chart = Path.Combine(root.Path, "results", "history", "history_decode_tps.png");
        Assert.NotNull(ChartImage.PngSize(File.ReadAllBytes(chart)));
        File.Copy(chart, Path.Combine(TestArtifacts.Dir, "history_decode_tps.png"), overwrite: true);

        var gpu = Cli(root, "history", "--gpu", "l40s").Out;
        Assert.Single(gpu.Split('\n'), l => l.Contains("NVIDIA L40S"));
        Assert.DoesNotContain("H100", gpu.Split('\n').Where(l => l.Contains("phi-3-mini")).Aggregate("", (a, b) => a + b));

        var since = Cli(root, "history", "--since", "2026-10-08", "--metric", "ttft", "--batch", "8").Out;
        Assert.Equal(3, since.Split('\n').Count(l => l.Contains("2026-10-")));
        Assert.Contains("ttft at B8 P128 G17", since);

        Assert.Equal(2, Cli(root, "history", "--since", "yesterday").Code);
        Assert.Equal(2, Cli(root, "history", "--metric", "speed").Code);
        Assert.Equal(11, Cli(root, "history", "--results", Path.Combine(root.Path, "none")).Code);
        Assert.Contains("no runs", Cli(root, "history", "--model", "mistral").Out);
        Assert.StartsWith("no runs match model=phi in", Cli(root, "history", "--model", "phi").Out); // exact names: no substring match
    }

    [Fact]
    public async Task Report_in_a_real_process_prints_only_the_written_files()
    {
        // Native code (Skia's SVG canvas) writes to the process's stdout directly, which an
        // in-process StringWriter cannot see: run the real CLI and read its streams.
        using var root = new TempDir();
        var dir = Save(root, "run", TestRuns.Build()); // telemetry chart has dashed utilization lines
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ie.dll"), "report", dir, "--only", "charts"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["IE_ROOT"] = root.Path;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "ie report did not finish");
        Assert.Equal(0, p.ExitCode);
        var (outText, errText) = (await stdout, await stderr);
        var lines = outText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length); // 4 charts x (png, svg)
        Assert.All(lines, l => Assert.StartsWith("charts ", l));
        Assert.Equal("", errText);
    }

    [Fact]
    public void Report_with_a_price_adds_the_cost_section_and_charts_from_the_economics_code()
    {
        using var root = new TempDir();
        var dir = Save(root, "run", TestRuns.Build());

        var (code, _, err) = Cli(root, "report", dir, "--price-per-hour", "2.99", "--requests-per-day", "20000", "--only", "charts,html");

        Assert.True(code == 0, err);
        foreach (var name in new[] { "cost_per_mtok", "breakeven" })
            Assert.NotNull(ChartImage.PngSize(File.ReadAllBytes(Path.Combine(dir, "charts", name + ".png"))));
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("<section id=\"cost\">", html);
        Assert.Contains("$2.99/h", html);
        Assert.Equal(2, Cli(root, "report", dir, "--requests-per-day", "20000").Code); // a cost option without a price
    }
}
