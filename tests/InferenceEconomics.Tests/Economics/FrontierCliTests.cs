using System.Text.Json;
using InferenceEconomics.Cli;
using InferenceEconomics.Common;
using InferenceEconomics.Economics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Economics;

/// <summary>--slo, the frontier command, settings errors named by their flags, and the LiteLLM import report, through CliMain on real files.</summary>
public class FrontierCliTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _run;

    public FrontierCliTests()
    {
        _run = Path.Combine(_dir.Path, "results", "20261130T000000Z_test_four");
        ResultStore.Save(FrontierTests.FourBatchRun(withB16: true), _run);
    }

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(_dir.Path), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    private static string OneLineError((int Code, string Out, string Err) r, ErrorKind kind)
    {
        Assert.Equal((int)kind, r.Code);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        return line;
    }

    [Fact]
    public void Cost_with_an_slo_prices_b4_and_says_which_bound_binds()
    {
        var r = Cli("cost", _run, "--price-per-hour", "1", "--input-tokens", "128", "--output-tokens", "32", "--requests-per-day", "100000",
            "--slo", "ttft_p90<=100ms,itl_p99<=20ms,per_user_tps>=40", "--vs", "gpt-4o-mini");
        Assert.Equal("", r.Err);
        Assert.Equal(0, r.Code);
        Assert.Contains("scenario b4 (batch 4", r.Out);
        Assert.Contains("Binding bound: itl_p99 16 ms meets <= 20 ms (20% to spare).", r.Out);
        Assert.Contains("Next batch size (b8): itl_p99 30 ms violates <= 20 ms", r.Out);
        Assert.Contains("b4 (priced)", r.Out);
        var json = Cli("cost", _run, "--price-per-hour", "1", "--input-tokens", "128", "--output-tokens", "32", "--slo", "itl_p99<=20ms", "--json");
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("b4", doc.RootElement.GetProperty("scenario_id").GetString());
        Assert.Equal("slo", doc.RootElement.GetProperty("choice").GetProperty("basis").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("frontier").GetProperty("points").GetArrayLength());
    }

    [Fact]
    public void A_bad_slo_is_one_line_naming_the_flag()
    {
        var line = OneLineError(Cli("cost", _run, "--price-per-hour", "1", "--slo", "ttft_p90<=5xs"), ErrorKind.Usage);
        Assert.Contains("--slo ttft_p90<=5xs: unit 'xs' is not a time unit", line);
        var unmet = OneLineError(Cli("cost", _run, "--price-per-hour", "1", "--input-tokens", "128", "--output-tokens", "32", "--slo", "itl_p99<=1ms"), ErrorKind.Usage);
        Assert.Contains("no measured scenario", unmet);
    }

    [Fact]
    public void Library_settings_errors_reach_the_user_with_the_flag_not_the_field()
    {
        var pue = OneLineError(Cli("cost", _run, "--price-per-hour", "1", "--pue", "1.2"), ErrorKind.Usage);
        Assert.Contains("--pue 1.2: describes owned hardware", pue);
        Assert.DoesNotContain("Machine.", pue);
        var watts = OneLineError(Cli("cost", _run, "--capex", "30000"), ErrorKind.Usage);
        Assert.Contains("--watts: owned hardware needs its power and the run measured none", watts);
    }

    [Fact]
    public void Every_field_the_library_reports_has_a_flag_and_no_message_names_one()
    {
        var bad = new CostRequest
        {
            Machine = new MachinePricing { PricePerHour = 0, Capex = -1, KwhPrice = -1, OtherPerHour = -1, Gpus = 0, Watts = -5, Pue = 0.5, LifeYears = -1 },
            Workload = new WorkloadSpec("w", 0, 5, -1, -1) { CacheWriteTokens = -1 },
            RequestsPerDay = -1,
            Utilization = 2,
            PeakToMean = 0.5,
        };
        var e = Assert.Throws<ValidationException>(() => CostAnalyzer.Validate(bad));
        Assert.True(e.Errors.Count >= 10);
        foreach (var error in e.Errors)
        {
            Assert.True(new InferenceEconomics.Cli.Commands.CostCommand().FlagFor(error.Field) is not null, $"no flag for field {error.Field}");
            Assert.DoesNotContain("--", error.Describe());
        }
        Assert.Contains(e.Errors, x => x.Field == "Machine.PricePerHour" && x.Kind == ErrorKind.PriceInvalid);
        Assert.Contains(e.Errors, x => x.Field == "Utilization");
        Assert.Contains(e.Errors, x => x.Field == "PeakToMean");
        var noPrice = Assert.Throws<ValidationException>(() => CostAnalyzer.Validate(new CostRequest { Machine = new MachinePricing() }));
        Assert.Equal("Machine", Assert.Single(noPrice.Errors).Field);
    }

    [Fact]
    public void Frontier_command_puts_several_runs_on_one_chart()
    {
        var other = Path.Combine(_dir.Path, "results", "20261130T000001Z_test_other");
        var r0 = FrontierTests.FourBatchRun();
        ResultStore.Save(r0 with { RunId = "other", Model = r0.Model with { Name = "other", Precision = WeightPrecision.Fp16 } }, other);
        var outDir = Path.Combine(_dir.Path, "frontier-out");
        var r = Cli("frontier", _run, other + "@3", "--price-per-hour", "1", "--input-tokens", "128", "--output-tokens", "32",
            "--slo", "itl_p99<=20ms", "--vs", "gpt-4o-mini,claude-haiku-4-5", "--out", outDir);
        Assert.Equal("", r.Err);
        Assert.Equal(0, r.Code);
        Assert.Contains("| series", r.Out);
        Assert.Contains("★", r.Out);
        Assert.Contains("machine at $3.00/h (given)", r.Out);
        foreach (var f in new[] { "frontier.md", "frontier.png", "frontier.svg" }) Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        var md = File.ReadAllText(Path.Combine(outDir, "frontier.md"));
        Assert.Contains("tiny int4, genai on cpu", md);
        Assert.Contains("other fp16, genai on cpu", md);
        var bad = OneLineError(Cli("frontier", _run + "@abc", "--price-per-hour", "1"), ErrorKind.PriceInvalid);
        Assert.Contains("is not a price", bad);
        Assert.Contains("frontier needs <runs>", OneLineError(Cli("frontier", "--price-per-hour", "1"), ErrorKind.Usage));
    }

    [Fact]
    public void Rates_import_reports_conflicts_zero_prices_and_the_dates_used()
    {
        var src = _dir.File("gaps.json");
        File.WriteAllText(src, LiteLlmImportTests.Gaps);
        var outFile = _dir.File("gaps-rates.json");
        var r = Cli("rates", "import", "litellm", src, "--out", outFile);
        Assert.Equal(0, r.Code);
        Assert.Contains("prices seen: the file's last_updated: 2026-08-01", r.Out);
        Assert.Contains("1 priced $0 in the source", r.Out);
        Assert.Contains("1 conflicting duplicates", r.Out);
        Assert.Contains("no price keys", r.Out);
        var list = Cli("rates", "list", "--rates", outFile);
        Assert.Contains("ollama/llama3 ($0 in source) (context 8k)", list.Out);
    }
}
