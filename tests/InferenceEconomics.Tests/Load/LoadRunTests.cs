using InferenceEconomics.Economics;
using InferenceEconomics.Load;
using InferenceEconomics.Metrics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Load;

/// <summary>A whole load run against the scripted server: result.json, reports, pricing, the request-form probe, the key.</summary>
public sealed class LoadRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ie-load-").FullName;
    private const string Key = "sk-test-9f8e7d6c5b4a-SECRET";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadPlan Plan(string url, Func<LoadSettings, LoadSettings>? tune = null)
    {
        var s = new LoadSettings
        {
            Endpoint = url, Concurrency = [1, 2], WarmupRequests = 1, RequestsPerLevel = 4, InputTokens = LengthRange.Fixed(8), OutputTokens = LengthRange.Fixed(5),
            ApiKeyEnv = "IE_TEST_KEY", Slo = "ttft<=5s,tpot<=1s",
        };
        return new LoadPlan { Settings = tune is null ? s : tune(s), ApiKey = Key, ResultsDir = _dir };
    }

    [Fact]
    public async Task A_run_writes_a_level_per_scenario_prices_it_and_never_writes_the_key()
    {
        await using var server = new ScriptedSseServer();
        var outcome = await LoadOrchestrator.ExecuteAsync(Plan(server.Url), new ProjectPaths(Repo.Root), null, CancellationToken.None);

        // The key went to the server as a bearer token ...
        Assert.All(server.Served, x => Assert.Equal("Bearer " + Key, x.Authorization));
        var r = ResultStore.Load(outcome.Folder);
        Assert.Equal(RunStatus.Complete, r.Status);
        Assert.Equal(["c1", "c2"], r.Scenarios.Select(s => s.Id));
        Assert.All(r.Scenarios, s => { Assert.Equal(ScenarioKind.Load, s.Kind); Assert.Equal(4, s.Load!.Completed); });
        Assert.Equal("scripted-model", r.Endpoint!.ServedModel);
        Assert.True(r.Endpoint.TokenIdPrompts);
        Assert.Equal("batching=scripted", r.Endpoint.ServerInfo);
        Assert.Equal(EngineKind.Endpoint, r.Engine.Name);
        // 2 warm-up + 8 measured + 1 probe requests, plus the model list.
        Assert.Equal(1 + 1 + 1 + 4 + 4, server.Served.Count);
        Assert.Contains(r.Notes, n => n.Code == "endpoint_model");
        Assert.All(r.Scenarios, s => Assert.True(s.Summary!.ContainsKey("ttft_seconds")));

        var cost = LoadPricing(r, new MachinePricing { PricePerHour = 3.6 });
        var files = Exporters.WriteAll(new ReportContext(r, outcome.Folder) { LoadCost = cost });
        var md = File.ReadAllText(Path.Combine(outcome.Folder, "report.md"));
        Assert.Contains("## Load levels", md, StringComparison.Ordinal);
        Assert.Contains("| c2 ", md, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(outcome.Folder, "report.html"));
        Assert.Contains("<h2>Load levels</h2>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<h2>Scenarios</h2>", html, StringComparison.Ordinal);
        // ... and is nowhere in what the run wrote (result.json, reports, charts, CSV).
        foreach (var f in Directory.GetFiles(outcome.Folder, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Key, File.ReadAllText(f), StringComparison.Ordinal);
        Assert.Contains(files, f => f.EndsWith("scenarios.csv", StringComparison.Ordinal));
        Assert.Contains("request_throughput", File.ReadAllText(Path.Combine(outcome.Folder, "scenarios.csv")), StringComparison.Ordinal);
    }

    private static LoadCost LoadPricing(RunResult r, MachinePricing m) => LoadCost.Price(r, m);

    [Fact]
    public void Pricing_divides_the_hourly_price_by_the_tokens_served_per_hour()
    {
        // One level: 2 requests of 100 output and 50 input tokens over 4 s -> 50 out tok/s, 75 total tok/s.
        LoadRequestSample Req(bool met) => new()
        {
            StartOffset = 0, AskedInputTokens = 50, AskedOutputTokens = 100, InputTokens = 50, OutputTokens = 100, Chunks = 100, TtftSeconds = 0.1, E2eSeconds = 1, MetSlo = met,
        };
        var level = new LoadLevel { Shape = LoadShape.Closed, Concurrency = 2, DurationSeconds = 4, WarmupRequests = 0, StoppedBy = "count", Slo = "ttft<=1s", Requests = [Req(true), Req(false)] };
        var s = LoadOrchestrator.Scenario(LevelSpec.Closed(2), level, new LoadSettings());
        var run = new RunResult
        {
            RunId = "x", StartedUtc = DateTimeOffset.UnixEpoch, Tool = new("t", "0", null), Config = new(),
            Environment = new() { Host = "h", Os = "o", CpuModel = "c", LogicalCores = 2, DotnetVersion = "10" },
            Model = new() { Name = "m", Path = "p", Synthetic = false, ModelType = "endpoint", Precision = WeightPrecision.Fp32, IoDType = IoDType.Float32, Attention = AttentionKind.GroupQuery, Layers = 0, HiddenSize = 0, Heads = 0, KvHeads = 0, HeadSize = 0, VocabSize = 0, ContextLength = 0 },
            Engine = new(EngineKind.Endpoint, "0", "http", Device.Cpu), Scenarios = [s],
        };
        // 2 GPUs x $1.80 = $3.60/h. Output: 3.6 / (3600 x 50) x 1e6 = $20/M; total: 3.6 / (3600 x 75) x 1e6 = $13.33/M.
        var cost = LoadCost.Price(run, new MachinePricing { PricePerHour = 1.8, Gpus = 2 });
        Assert.Equal(3.6, cost.DollarsPerHour, 12);
        var c = Assert.Single(cost.Levels);
        Assert.Equal(20, c.OutputDollarsPerM!.Value, 9);
        Assert.Equal(3.6 / (3600 * 75) * 1e6, c.TotalDollarsPerM!.Value, 9);
        // Per-user speed: TPOT = (1 - 0.1) / 99 s for both requests -> 110 tok/s; alone, the level is on the frontier.
        Assert.Equal(99 / 0.9, c.PerUserTps!.Value, 9);
        Assert.True(c.Pareto);
        // SLO capacity counts only the good request's 100 tokens over 4 s = 25 tok/s: $40/M.
        Assert.Equal("c2", cost.CapacityLevel);
        Assert.Equal(40, cost.CapacityOutputDollarsPerM!.Value, 9);
        // A catalog GPU prices through the hardware catalog's default price.
        var h100 = HardwareCatalogPrice("h100-sxm");
        Assert.Equal(8 * h100, LoadCost.Price(run, new MachinePricing { Gpu = "h100-sxm", Gpus = 8 }).DollarsPerHour, 9);
    }

    private static ScenarioResult Level(string id, double tpot, double window)
    {
        // Two requests of 100 output tokens, TTFT 0.1 s, TPOT as given: 200 output tokens over the window.
        LoadRequestSample Req() => new()
        {
            StartOffset = 0, AskedInputTokens = 10, AskedOutputTokens = 100, InputTokens = 10, OutputTokens = 100, Chunks = 100,
            TtftSeconds = 0.1, E2eSeconds = 0.1 + 99 * tpot,
        };
        var l = new LoadLevel { Shape = LoadShape.Closed, Concurrency = 1, DurationSeconds = window, WarmupRequests = 0, StoppedBy = "count", Requests = [Req(), Req()] };
        return LoadOrchestrator.Scenario(LevelSpec.Closed(1), l, new LoadSettings()) with { Id = id };
    }

    [Fact]
    public void An_open_loop_whose_sends_left_late_says_the_generator_fell_behind()
    {
        // At 10 requests/s the mean gap is 100 ms; 10% of it is 10 ms. p99 lateness 25 ms is behind, 5 ms is not.
        ScenarioResult Open(string id, double p99) => Level(id, 0.01, 1) with
        {
            Load = Level(id, 0.01, 1).Load! with { Shape = LoadShape.Open, Concurrency = null, RatePerSecond = 10, SendLatenessP50Seconds = 0.001, SendLatenessP99Seconds = p99 },
        };
        var notes = LoadOrchestrator.LevelNotes([Open("r10a", 0.025), Open("r10b", 0.005)]).ToList();
        var late = Assert.Single(notes, n => n.Code == "load_generator_late");
        Assert.Contains("r10a: p99 25 ms late against a mean gap of 100 ms", late.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("r10b", late.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(LoadOrchestrator.LevelNotes([Open("r10b", 0.005)]), n => n.Code == "load_generator_late");
    }

    /// <summary>Levels A, B, C of two requests each (100 output tokens, TTFT 0.1 s) at TPOT 10/20/25 ms over 2/1/1.6 s windows.</summary>
    private static RunResult ThreeLevels() => new()
        {
            RunId = "x", StartedUtc = DateTimeOffset.UnixEpoch, Tool = new("t", "0", null), Config = new(),
            Environment = new() { Host = "h", Os = "o", CpuModel = "c", LogicalCores = 2, DotnetVersion = "10" },
            Model = new() { Name = "m", Path = "p", Synthetic = false, ModelType = "endpoint", Precision = WeightPrecision.Fp32, IoDType = IoDType.Float32, Attention = AttentionKind.GroupQuery, Layers = 0, HiddenSize = 0, Heads = 0, KvHeads = 0, HeadSize = 0, VocabSize = 0, ContextLength = 0 },
            Engine = new(EngineKind.Endpoint, "0", "http", Device.Cpu),
            Scenarios = [Level("A", 0.010, 2), Level("B", 0.020, 1), Level("C", 0.025, 1.6)],
        };

    [Fact]
    public void Cost_refuses_a_load_run_in_one_line_and_frontier_places_its_levels()
    {
        var folder = Path.Combine(_dir, "20261203T000000Z_h_endpoint-m");
        ResultStore.Save(ThreeLevels() with { RunId = "20261203T000000Z_h_endpoint-m", Status = RunStatus.Complete }, folder);
        var paths = new ProjectPaths(_dir);

        // The static-batch cost model has nothing to price in a load run: one accurate line, usage exit 2.
        var cost = CliRunner.RunWith(paths, "cost", folder, "--price-per-hour", "3.6");
        Assert.Equal(2, cost.ExitCode);
        Assert.Single(cost.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("is a load run", cost.Err, StringComparison.Ordinal);

        // frontier places the levels: $/M output as worked above ($10, $5, $8), input n/a, A and B starred.
        var f = CliRunner.RunWith(paths, "frontier", folder, "--price-per-hour", "3.6", "--out", Path.Combine(_dir, "fr"));
        Assert.True(f.ExitCode == 0, f.Err);
        var rows = f.Out.Split('\n').Where(l => l.StartsWith("| A ", StringComparison.Ordinal) || l.StartsWith("| B ", StringComparison.Ordinal) || l.StartsWith("| C ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Contains("n/a (load level)", r, StringComparison.Ordinal));
        Assert.Contains("$10.00", rows[0], StringComparison.Ordinal);
        Assert.Contains("★", rows[0], StringComparison.Ordinal);
        Assert.Contains("$5.00", rows[1], StringComparison.Ordinal);
        Assert.Contains("★", rows[1], StringComparison.Ordinal);
        Assert.Contains("$8.00", rows[2], StringComparison.Ordinal);
        Assert.DoesNotContain("★", rows[2], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "fr", "frontier.png")));
    }

    [Fact]
    public void The_frontier_marks_levels_no_other_beats_on_per_user_speed_and_price()
    {
        // At $3.60/h: A 100 tok/s per user, 200/2 = 100 out tok/s -> $10/M; B 50 per user, 200 tok/s -> $5/M;
        // C 40 per user, 200/1.6 = 125 tok/s -> $8/M: B is faster and cheaper than C, so A and B are the frontier.
        var run = ThreeLevels();
        var cost = LoadCost.Price(run, new MachinePricing { PricePerHour = 3.6 });
        Assert.Equal([10.0, 5.0, 8.0], cost.Levels.Select(l => Math.Round(l.OutputDollarsPerM!.Value, 9)));
        Assert.Equal([100.0, 50.0, 40.0], cost.Levels.Select(l => Math.Round(l.PerUserTps!.Value, 9)));
        Assert.Equal([true, true, false], cost.Levels.Select(l => l.Pareto));
        Assert.Equal("B", cost.CapacityLevel); // no SLO: the highest-throughput level
        Assert.Contains("★", LoadMarkdown.Render(run, cost), StringComparison.Ordinal);

        // The same levels as frontier chart points: x = per-user tok/s, y = $/M output, ringed as in the table,
        // labelled by their concurrency; every level is one shape, so all three compete.
        var f = cost.Frontier!;
        Assert.Equal([100.0, 50.0, 40.0], f.Points.Select(p => Math.Round(p.PerUserTokensPerSecond, 9)));
        Assert.Equal([10.0, 5.0, 8.0], f.Points.Select(p => Math.Round(p.OutputCostPerMFullUse, 9)));
        Assert.Equal([true, true, false], f.Points.Select(p => p.OnFrontier));
        Assert.All(f.Points, p => Assert.Equal("c=1", p.PointLabel));
        var chart = InferenceEconomics.Reporting.Charts.RunCharts.Build(new ReportContext(run, _dir) { LoadCost = cost });
        Assert.Contains(chart, c => c.Name == InferenceEconomics.Reporting.Charts.FrontierChart.Name);
    }

    private static double HardwareCatalogPrice(string gpu) => InferenceEconomics.Hardware.HardwareCatalog.BuiltIn().Find(gpu).Price.DollarsPerGpuHour;

    [Fact]
    public async Task A_server_refusing_token_ids_and_ignore_eos_gets_text_prompts_and_the_run_says_so()
    {
        await using var server = new ScriptedSseServer { RejectTokenIds = true, RejectIgnoreEos = true };
        var outcome = await LoadOrchestrator.ExecuteAsync(Plan(server.Url, s => s with { Concurrency = [1], Slo = null }), new ProjectPaths(Repo.Root), null, CancellationToken.None);
        var r = outcome.Result;
        Assert.False(r.Endpoint!.TokenIdPrompts);
        Assert.Contains(r.Notes, n => n.Code == "prompt_length_approximate");
        Assert.Contains(r.Notes, n => n.Code == "output_length_not_forced");
        Assert.Equal(4, r.Scenarios[0].Load!.Completed);
        var last = server.Served.Last().Body;
        Assert.Equal(System.Text.Json.JsonValueKind.String, last.GetProperty("prompt").ValueKind);
        Assert.False(last.TryGetProperty("ignore_eos", out _));
    }

    [Fact]
    public async Task An_endpoint_that_refuses_connections_stops_the_run_with_one_line()
    {
        var e = await Assert.ThrowsAsync<InferenceEconomicsException>(() =>
            LoadOrchestrator.ExecuteAsync(Plan(ScriptedSseServer.RefusingUrl(), s => s with { ServedModel = "m" }), new ProjectPaths(Repo.Root), null, CancellationToken.None));
        Assert.Equal(ErrorKind.NoScenarioRan, e.Kind);
        Assert.Contains("cannot be reached", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(_dir)); // nothing written for a run that never started
    }
}

/// <summary>The load command through the CLI: bad input is one line with its exit code; the key never reaches stdout or stderr.</summary>
public class LoadCommandTests
{
    [Theory]
    [InlineData(2, "load needs --endpoint URL", "load")]
    [InlineData(2, "--input-tokens '0:5' is not a length", "load", "--endpoint", "http://127.0.0.1:1", "--input-tokens", "0:5")]
    [InlineData(2, "is not an http:// or https:// URL", "load", "--endpoint", "ftp://x")]
    [InlineData(2, "the environment variable IE_TEST_UNSET_KEY_VAR is not set", "load", "--endpoint", "http://127.0.0.1:1", "--api-key-env", "IE_TEST_UNSET_KEY_VAR")]
    [InlineData(2, "is not a bound", "load", "--endpoint", "http://127.0.0.1:1", "--slo", "fast")]
    [InlineData(8, "is negative", "load", "--endpoint", "http://127.0.0.1:1", "--price-per-hour", "-1")]
    public void Bad_input_is_one_line(int code, string text, params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(code, o.ExitCode);
        var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(text, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_through_the_cli_prints_the_level_table_and_never_the_key()
    {
        const string key = "sk-cli-0123456789-SECRET";
        await using var server = new ScriptedSseServer();
        var dir = Directory.CreateTempSubdirectory("ie-loadcli-").FullName;
        try
        {
            Environment.SetEnvironmentVariable("IE_TEST_LOAD_KEY", key);
            var o = CliRunner.Run("load", "--endpoint", server.Url, "--api-key-env", "IE_TEST_LOAD_KEY", "--concurrency", "1,2", "--requests", "3",
                "--warmup", "0", "--output-tokens", "4", "--input-tokens", "8", "--gpu", "h100-sxm", "--gpus", "2", "--results", dir, "--no-store", "--verbose");
            Assert.True(o.ExitCode == 0, o.Err);
            Assert.Contains("| c2 ", o.Out, StringComparison.Ordinal);
            Assert.Contains("per million output tokens", o.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(key, o.Out + o.Err, StringComparison.Ordinal);
            foreach (var f in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
                Assert.DoesNotContain(key, File.ReadAllText(f), StringComparison.Ordinal);
            Assert.All(server.Served, x => Assert.Equal("Bearer " + key, x.Authorization));
        }
        finally
        {
            Environment.SetEnvironmentVariable("IE_TEST_LOAD_KEY", null);
            Directory.Delete(dir, true);
        }
    }
}
