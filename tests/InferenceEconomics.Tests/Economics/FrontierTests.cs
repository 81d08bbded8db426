using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Economics;

public class FrontierTests
{
    /// <summary>
    /// Four batch sizes at P = 128, G = 32 (TTFT = prefill + 1 ms, TPOT = ITL at every percentile):
    /// B=1 prefill 0.02 TPOT 10 ms e2e 0.331; B=2 0.03 / 12 ms / 0.403; B=4 0.05 / 16 ms / 0.547; B=8 0.09 / 30 ms / 1.021.
    /// Capacity 3600 x B / e2e: 10,876, 17,866, 26,325, 28,207 requests/h.
    /// </summary>
    internal static RunResult FourBatchRun(bool withB16 = false) => TestRuns.Run() with
    {
        RunId = "four-batch",
        Scenarios =
        [
            TestRuns.Scenario("b1", 1, 128, 32, 0.02, 0.331),
            TestRuns.Scenario("b2", 2, 128, 32, 0.03, 0.403),
            TestRuns.Scenario("b4", 4, 128, 32, 0.05, 0.547),
            TestRuns.Scenario("b8", 8, 128, 32, 0.09, 1.021),
            .. withB16 ? new[] { TestRuns.Scenario("b16", 16, 128, 32, 0.2, 2.371) } : [],   // TPOT 70 ms: slower AND dearer than B=8
        ],
    };

    private static readonly WorkloadSpec Shape = new("custom", 128, 0, 32, 0);

    private static CostRequest Request(string? slo = null) => new()
    {
        Machine = new MachinePricing { PricePerHour = 1.0 },
        Workload = Shape,
        Vs = ["gpt-4o-mini", "claude-haiku-4-5"],
        Slo = slo is null ? null : Slo.Parse(slo),
    };

    [Fact]
    public void Pareto_set_by_hand()
    {
        // (per-user tok/s, $/M): (80, 2.5) is beaten by (80, 2.0) on cost; (50, 2.0) by (80, 2.0) on speed;
        // the two equal points (30, 1.0) beat each other on neither, so both stay.
        var on = Frontier.Pareto([(100, 3.0), (80, 2.0), (80, 2.5), (50, 2.0), (30, 1.0), (30, 1.0), (20, 1.5)]);
        Assert.Equal([true, true, false, false, true, true, false], on);
    }

    [Fact]
    public void The_slo_picks_b4_not_b8_and_names_the_binding_bound_and_what_b8_violates()
    {
        var c = CostAnalyzer.Analyze(FourBatchRun(), Request("ttft_p90<=100ms,itl_p99<=20ms,per_user_tps>=40"));
        // B=8 has the highest capacity (28,207/h) but ITL 30 ms > 20 ms and 33.3 tok/s < 40: B=4 (26,325/h) is the cheapest that meets all.
        Assert.Equal("b4", c.ScenarioId);
        Assert.Equal("slo", c.Choice!.Basis);
        Assert.Equal(14400 / 0.547, c.SelfHosted.CapacityRequestsPerHour, 6);
        // Margins at B=4: TTFT 49%, ITL 20%, speed 56%: ITL binds.
        Assert.Equal("itl_p99 16 ms meets <= 20 ms (20% to spare)", c.Choice.BindingBound);
        Assert.Equal("b8", c.Choice.NextScenarioId);
        Assert.Equal(["itl_p99 30 ms violates <= 20 ms", "per_user_tps 33.33 tok/s violates >= 40 tok/s"], c.Choice.NextViolations);
        var md = CostMarkdown.Render(c);
        Assert.Contains("Binding bound: itl_p99 16 ms meets <= 20 ms (20% to spare).", md);
        Assert.Contains("Next batch size (b8): itl_p99 30 ms violates <= 20 ms; per_user_tps 33.33 tok/s violates >= 40 tok/s.", md);
        Assert.Contains("b4 (priced)", md);

        // Without an SLO the highest capacity is priced, and the output says that no SLO was given.
        var none = CostAnalyzer.Analyze(FourBatchRun(), Request());
        Assert.Equal("b8", none.ScenarioId);
        Assert.Equal("highest_capacity", none.Choice!.Basis);
        Assert.StartsWith("no SLO given", none.Choice.Reason);
        Assert.Contains("No SLO given", CostMarkdown.Render(none));

        // An SLO no scenario meets is refused with the closest one's violations.
        var e = Assert.Throws<InferenceEconomicsException>(() => CostAnalyzer.Analyze(FourBatchRun(), Request("itl_p99<=5ms")));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains("no measured scenario", e.Message);
        Assert.Contains("closest: b1 (itl_p99 10 ms violates <= 5 ms)", e.Message);
    }

    [Fact]
    public void Frontier_points_worked_by_hand()
    {
        var f = CostAnalyzer.Analyze(FourBatchRun(withB16: true), Request("itl_p99<=20ms")).Frontier!;
        Assert.Equal(5, f.Points.Count);
        var b4 = f.Points.Single(p => p.ScenarioId == "b4");
        // R = $1/h. Input: 0.05 s / (3600 x 4 x 128) x 1e6 = 50,000 / 1,843,200 = $0.027127/M; output: (0.547 - 0.05) / (3600 x 4 x 32) x 1e6
        // = 497,000 / 460,800 = $1.078559/M; per user 1 / 0.016 = 62.5 tok/s; machine output 4 x 32 / 0.547 = 234.0 tok/s on 1 device.
        Assert.Equal(50_000 / 1_843_200.0, b4.InputCostPerMFullUse!.Value, 9);
        Assert.Equal(497_000 / 460_800.0, b4.OutputCostPerMFullUse, 9);
        Assert.Equal(62.5, b4.PerUserTokensPerSecond, 9);
        Assert.Equal(128 / 0.547, b4.OutputTokensPerSecondPerDevice, 9);
        Assert.Equal(0.051, b4.TtftSeconds, 9);
        Assert.Equal(1.0, b4.Utilization);   // no traffic given: full use
        Assert.True(b4.MeetsSlo);
        // Output $/M: B1 311,000 / 115,200 = 2.700; B2 373,000 / 230,400 = 1.619; B4 1.079; B8 931,000 / 921,600 = 1.010;
        // B16 2,171,000 / 1,843,200 = 1.178 at 14.3 tok/s: slower and dearer than B8, so off the frontier.
        Assert.Equal(["b1", "b2", "b4", "b8"], f.Points.Where(p => p.OnFrontier).Select(p => p.ScenarioId).Order());
        Assert.False(f.Points.Single(p => p.ScenarioId == "b16").OnFrontier);
        Assert.Equal(["b1", "b2", "b4"], f.Points.Where(p => p.MeetsSlo == true).Select(p => p.ScenarioId).Order());
        Assert.Equal("itl_p99 30 ms violates <= 20 ms", Assert.Single(f.Points.Single(p => p.ScenarioId == "b8").SloViolations));
        // API output prices drawn as lines: gpt-4o-mini $0.60/M, claude-haiku-4-5 $5/M, each with the date it was seen.
        Assert.Equal(new[] { ("openai/gpt-4o-mini", 0.6), ("anthropic/claude-haiku-4-5", 5.0) }, f.Api.Select(a => (a.Name, a.OutputPerMTokens)).ToArray());
        Assert.All(f.Api, a => Assert.Equal("2026-07-24", a.Seen));
    }

    [Fact]
    public void At_the_traffics_utilization_each_point_pays_its_own_idle_hours()
    {
        // 120,000 requests/day = 5,000/h mean. B=4 (26,325/h): 1 machine, u = 5,000 / 26,325 = 0.18993.
        var f = CostAnalyzer.Analyze(FourBatchRun(), Request() with { RequestsPerDay = 120_000 }).Frontier!;
        var b4 = f.Points.Single(p => p.ScenarioId == "b4");
        Assert.Equal(5000 / (14400 / 0.547), b4.Utilization, 9);
        Assert.Equal(b4.OutputCostPerMFullUse / b4.Utilization, b4.OutputCostPerMAtUtilization, 9);
        Assert.Contains("120,000 requests/day", f.UtilizationBasis);
    }

    [Fact]
    public void Measured_power_gives_joules_and_energy_dollars_along_the_frontier()
    {
        // B=4 decode: 200 W over its windows; J per output token 0.5 (as stored); owned at $0.10/kWh, PUE 1.5:
        // 0.5 x 1.5 x 0.10 / 3.6e6 x 1e6 = $0.0208333 per million output tokens.
        var telemetry = new ScenarioTelemetry
        {
            Phases =
            [
                new PhaseTelemetry { Phase = Phase.Prefill, Source = "gpu0", Method = "counter", Seconds = 0.15, GrossJoules = 30, JoulesPerToken = 0.02, Samples = 3 },
                new PhaseTelemetry { Phase = Phase.Decode, Source = "gpu0", Method = "counter", Seconds = 1.5, GrossJoules = 300, JoulesPerToken = 0.5, Samples = 30 },
            ],
        };
        var run = FourBatchRun();
        run = run with { Scenarios = [.. run.Scenarios.Select(s => s.Id == "b4" ? s with { Telemetry = telemetry } : s)] };
        var req = Request() with { Machine = new MachinePricing { Capex = 8760, LifeYears = 1, Pue = 1.5, KwhPrice = 0.10, Watts = 100 } };
        var f = CostAnalyzer.Analyze(run, req).Frontier!;
        var b4 = f.Points.Single(p => p.ScenarioId == "b4");
        Assert.Equal(0.5, b4.JoulesPerOutputToken!.Value, 12);
        Assert.Equal(0.5 * 1.5 * 0.10 / 3.6, b4.EnergyCostPerMOutput!.Value, 12);
        // Owned: R = 8,760 / 8,760 + 200 W x 1.5 x $0.10 / 1000 = $1.03/h at B=4 (its measured power);
        // the scenarios without measured power use the given 100 W: 1 + 0.015 = $1.015/h.
        Assert.Equal(1.03, b4.DollarsPerHour, 12);
        Assert.Equal(1.015, f.Points.Single(p => p.ScenarioId == "b8").DollarsPerHour, 12);
    }

    [Fact]
    public void Frontier_table_and_chart_render()
    {
        var c = CostAnalyzer.Analyze(FourBatchRun(withB16: true), Request("itl_p99<=20ms"));
        var md = FrontierMarkdown.Render(c.Frontier!, c.ScenarioId);
        Assert.Contains("| per-user tok/s", md);
        Assert.Contains("★", md);
        Assert.Contains("violates: itl_p99 70 ms violates <= 20 ms", md);
        Assert.Contains("openai/gpt-4o-mini $0.600 (seen 2026-07-24)", md);
        var html = FrontierMarkdown.RenderHtml(c.Frontier!, c.ScenarioId);
        Assert.Contains("<table id=\"frontier-table\">", html);
        var spec = FrontierChart.Build(c.Frontier!, ["synthetic weights"]);
        Assert.NotNull(spec);
        var chart = ChartImage.Render(spec!);
        Assert.Equal((spec!.Width, spec.Height), ChartImage.PngSize(chart.Png));
        Assert.Contains("B=16", chart.Svg);
        Assert.Contains("openai/gpt-4o-mini", chart.Svg);
        // The run charts include it whenever the report is priced.
        var ctx = new ReportContext(FourBatchRun(), "/tmp") { Cost = c };
        Assert.Contains(RunCharts.Build(ctx), s => s.Name == FrontierChart.Name);
    }

    [Fact]
    public void Several_runs_on_one_frontier_with_their_own_prices()
    {
        // The same measurements priced at $1/h and at $3/h: three times the $/M, same speed; the dearer run's points are all
        // dominated by the cheaper run's (same P and G), so only the $1/h series is on the frontier.
        var a = FourBatchRun();
        var b = FourBatchRun() with { RunId = "dear", Model = a.Model with { Name = "other", Precision = WeightPrecision.Fp16 } };
        var f = CostAnalyzer.FrontierOf([(a, Request()), (b, Request() with { Machine = new MachinePricing { PricePerHour = 3.0 } })]);
        Assert.Equal(8, f.Points.Count);
        Assert.Equal(2, f.Points.Select(p => p.Series).Distinct().Count());
        Assert.All(f.Points.Where(p => p.RunId == "dear"), p => Assert.False(p.OnFrontier));
        Assert.All(f.Points.Where(p => p.RunId == "four-batch"), p => Assert.True(p.OnFrontier));
        var b4a = f.Points.Single(p => p.RunId == "four-batch" && p.ScenarioId == "b4");
        var b4b = f.Points.Single(p => p.RunId == "dear" && p.ScenarioId == "b4");
        Assert.Equal(3 * b4a.OutputCostPerMFullUse, b4b.OutputCostPerMFullUse, 9);
        // The same model and hardware measured twice stays two series, named by run.
        var twice = CostAnalyzer.FrontierOf([(a, Request()), (a with { RunId = "again" }, Request())]);
        Assert.Equal(2, twice.Points.Select(p => p.Series).Distinct().Count());
        Assert.Contains(twice.Points, p => p.Series.EndsWith("(run again)"));
        // An SLO nobody meets is shown point by point, not refused.
        var strict = CostAnalyzer.FrontierOf([(a, Request("itl_p99<=5ms"))]);
        Assert.All(strict.Points, p => Assert.False(p.MeetsSlo));
    }
}

public class ScenarioChoiceTests
{
    /// <summary>
    /// Two scenarios equally far from a 1,000 in / 1,000 out workload (|ln 2| + |ln 2| each), both B = 8:
    /// A: P 500, G 2,000, prefill 0.4 s, TPOT 20 ms, e2e 0.401 + 1,999 x 0.02 = 40.381 s (measured B / e2e = 0.198/s);
    /// B: P 2,000, G 500, prefill 1.6 s, TPOT 60 ms, e2e 1.601 + 499 x 0.06 = 31.541 s (measured B / e2e = 0.254/s, higher).
    /// For the workload: A 0.4 x 2 + 0.001 + 999 x 0.02 = 20.781 s -> 28,800 / 20.781 = 1,385.9/h;
    ///                   B 1.6 x 0.5 + 0.001 + 999 x 0.06 = 60.741 s -> 474.1/h.
    /// </summary>
    private static RunResult TieRun() => TestRuns.Run() with
    {
        Scenarios =
        [
            TestRuns.Scenario("a_p500_g2000", 8, 500, 2000, 0.4, 0.401 + 1999 * 0.02),
            TestRuns.Scenario("b_p2000_g500", 8, 2000, 500, 1.6, 1.601 + 499 * 0.06),
        ],
    };

    private static CostRequest Request() => new()
    {
        Machine = new MachinePricing { PricePerHour = 1.0 },
        Workload = new WorkloadSpec("custom", 1000, 0, 1000, 0),
        RequestsPerDay = 24_000,   // 1,000/h
        Vs = ["gpt-4o-mini"],
    };

    [Fact]
    public void Equally_close_scenarios_are_ranked_by_the_capacity_that_is_priced()
    {
        var c = CostAnalyzer.Analyze(TieRun(), Request());
        // The measured B / e2e would pick B and price 474/h: 3 machines, $2,190 a month. The priced quantity picks A: 1 machine, $730.
        Assert.Equal("a_p500_g2000", c.ScenarioId);
        Assert.Equal(28_800 / 20.781, c.SelfHosted.CapacityRequestsPerHour, 6);
        Assert.Equal(1, c.SelfHosted.Machines);
        Assert.Equal(730, c.SelfHosted.MonthlyCost, 9);
        // Labelled with the scenario it came from, and the spread the other measured shape implies: 474..1,386/h, 1 to 3 machines.
        Assert.False(c.Capacity!.Measured);
        Assert.Equal(28_800 / 60.741, c.Capacity.CapacityLow!.Value, 6);
        Assert.Equal(28_800 / 20.781, c.Capacity.CapacityHigh!.Value, 6);
        Assert.Equal((1, 3), (c.SelfHosted.MachinesLow!.Value, c.SelfHosted.MachinesHigh!.Value));
        Assert.Contains(c.Labels, l => l.StartsWith("capacity estimated from scenario a_p500_g2000") && l.Contains("give 474..1,386 requests/h"));
        Assert.Contains(c.Labels, l => l.StartsWith("machines are sensitive to the capacity estimate: 1 to 3 machines ($730 to $2,190 a month)"));
    }

    [Fact]
    public void Per_million_rows_and_cost_per_request_come_from_the_same_shape()
    {
        var c = CostAnalyzer.Analyze(TieRun(), Request());
        var s = c.SelfHosted;
        // Workload request on A: prefill 0.8 s of 20.781 s per batch of 8. Input $/M = 0.8 / (3600 x 8 x 1,000) x 1e6 = 0.027778;
        // output $/M = (20.781 - 0.8) / 28,800 = 0.693785. 1,000 x 0.027778 + 1,000 x 0.693785 = $721.563 per million requests
        // = R / C = 20.781 / 28,800 = $0.000721563 per request.
        Assert.Equal(0.8 / 28.8, s.InputCostPerMTokensFullUse, 9);
        Assert.Equal(19.981 / 28.8, s.OutputCostPerMTokensFullUse, 9);
        Assert.Equal(20.781 / 28_800, s.CostPerRequestFullUse, 12);
        Assert.Equal(s.CostPerRequestFullUse, (1000 * s.InputCostPerMTokensFullUse + 1000 * s.OutputCostPerMTokensFullUse) / 1e6, 15);
        // And at the traffic's utilization: monthly / requests = the per-M rows at u times the tokens.
        Assert.Equal(s.CostPerRequest, (1000 * s.InputCostPerMTokensAtUtilization + 1000 * s.OutputCostPerMTokensAtUtilization) / 1e6, 15);
    }

    [Fact]
    public void A_prompt_a_few_percent_longer_than_measured_is_scaled_not_rounded_away()
    {
        // s2 measured P = G = 1,024 (prefill 1.6 s, e2e 28.8 s). A 1,100-token prompt is within 10% but still costs more prefill:
        // 1.6 x 1,100 / 1,024 + 0.001 + 1,023 x (28.8 - 1.601) / 1,023 = 1.71875 + 0.001 + 27.199 = 28.91875 s per batch of 8.
        var run = TestRuns.Run() with { Scenarios = [TestRuns.Scenario("b8_p1024_g1024", 8, 1024, 1024, 1.6, 28.8)] };
        var c = CostAnalyzer.Analyze(run, Request() with { Workload = new WorkloadSpec("custom", 1100, 0, 1024, 0) });
        Assert.Equal(28_800 / 28.91875, c.SelfHosted.CapacityRequestsPerHour, 6);
        Assert.False(c.Capacity!.Measured);
        Assert.Null(c.Capacity.CapacityLow);   // one shape at B = 8: no spread, and the label says so
        Assert.Contains(c.Labels, l => l.Contains("one measured shape at this batch size: no spread to show"));
    }
}

public class BatchSizeCapTests
{
    private static readonly InferenceEconomics.Models.GenAiConfig Config = new()
    {
        ModelType = "llama", ContextLength = 4096, VocabSize = 1000, HeadSize = 64, HiddenSize = 512, NumAttentionHeads = 8,
        NumKeyValueHeads = 8, NumHiddenLayers = 16, Filename = "model.onnx", BosTokenId = 1, EosTokenIds = [2], PadTokenId = 0,
    };

    [Fact]
    public void Default_frontier_batches_that_would_not_fit_are_left_out_and_said()
    {
        // KV per sequence at 160 tokens, fp16: 2 x 16 layers x 8 heads x 64 x 160 x 2 bytes = 5,242,880 bytes (5 MiB).
        Assert.Equal(5_242_880, InferenceEconomics.Measurement.BatchSizeCap.KvBytesPerSequence(Config, 160, 2));
        // 40 MiB free, half of it for the KV cache: up to 4 sequences (20 MiB).
        var (kept, note) = InferenceEconomics.Measurement.BatchSizeCap.Apply(Frontier.DefaultBatchSizes, Config, 160, 2, 40L << 20);
        Assert.Equal([1, 2, 4], kept);
        Assert.Contains("batch sizes 8, 16, 32 left out", note);
        // Unknown free memory: nothing is dropped, nothing said; batch 1 always stays.
        Assert.Equal(Frontier.DefaultBatchSizes, InferenceEconomics.Measurement.BatchSizeCap.Apply(Frontier.DefaultBatchSizes, Config, 160, 2, null).Batches);
        Assert.Equal([1], InferenceEconomics.Measurement.BatchSizeCap.Apply([1, 2], Config, 160, 2, 1024).Batches);
    }
}
