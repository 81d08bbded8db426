using InferenceEconomics.Economics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Economics;

// TestRuns.Run(): s2 = B 8, P 1,024, G 1,024, prefill 1.6 s, e2e 28.8 s: C = 3600 x 8 / 28.8 = 1,000 requests/h.
public class CostAnalyzerTests
{
    // The measured shape of s2 (P = G = 1,024), so the capacity is measured, not estimated.
    private static readonly WorkloadSpec Chat = new("chat", 1024, 300, 1024, 0);

    private static CostRequest Rented(double price, double? requestsPerDay = 36_000, params string[] vs) => new()
    {
        Machine = new MachinePricing { PricePerHour = price },
        Workload = Chat,
        RequestsPerDay = requestsPerDay,
        Vs = vs.Length > 0 ? vs : ["gpt-4o-mini", "claude-sonnet-4-5"],
    };

    [Fact]
    public void Rented_machine_against_two_apis_worked_by_hand()
    {
        var c = CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0));
        // Closest P/G to 1,024/1,024 are the 1,024/1,024 scenarios; of those, s2 has the higher capacity.
        Assert.Equal("b8_p1024_g1024", c.ScenarioId);
        var s = c.SelfHosted;
        Assert.Equal(1000, s.CapacityRequestsPerHour, 9);
        // 36,000/day = 1,500/h: 2 machines, u = 1,500 / 2,000 = 0.75; monthly 2 x $2 x 730 = $2,920.
        Assert.Equal(2, s.Machines);
        Assert.Equal(0.75, s.Utilization, 12);
        Assert.Equal(2920, s.MonthlyCost, 9);
        // 36,000 / 24 x 730 = 1,095,000 requests a month: $2,920 / 1,095,000 = $0.0026667.
        Assert.Equal(1_095_000, s.RequestsPerMonth, 6);
        Assert.Equal(2920.0 / 1_095_000, s.CostPerRequest, 12);
        Assert.Equal(0.002, s.CostPerRequestFullUse, 12);   // R / C = 2 / 1000
        // Input: 2 x 1.6 / (3600 x 8 x 1024) x 1e6 = 3.2e6 / 29,491,200 = 0.1085069; output: 2 x 27.2 / same = 1.8446181.
        Assert.Equal(0.10850694444, s.InputCostPerMTokensFullUse, 9);
        Assert.Equal(1.84461805556, s.OutputCostPerMTokensFullUse, 9);
        Assert.Equal(0.10850694444 / 0.75, s.InputCostPerMTokensAtUtilization, 9);
        Assert.Equal(1.84461805556 / 0.75, s.OutputCostPerMTokensAtUtilization, 9);
        Assert.Null(s.EnergyCostPerMOutputTokens);   // no power, no kWh price: unknown, not 0

        var mini = c.Api.Single(a => a.Model == "gpt-4o-mini");
        // 724 x 0.15 + 300 x 0.075 + 1,024 x 0.60 = 108.6 + 22.5 + 614.4 = 745.5 / 1e6.
        Assert.Equal(0.0007455, mini.CostPerRequest!.Value, 12);
        Assert.Equal(0.0007455 * 1_095_000, mini.MonthlyCost!.Value, 6);
        Assert.Equal(0.0007455 * 1_095_000 / 2920, mini.ApiToSelfHostedRatio!.Value, 9);
        // a x C = $0.7455/h < R = $2/h: self-hosting never wins.
        Assert.Null(mini.BreakEvenRequestsPerMonth);
        Assert.Empty(mini.BreakEvenIntervals);

        var sonnet = c.Api.Single(a => a.Model == "claude-sonnet-4-5");
        // 724 x 3 + 300 x 0.30 + 1,024 x 15 = 2,172 + 90 + 15,360 = 17,622 / 1e6.
        Assert.Equal(0.017622, sonnet.CostPerRequest!.Value, 12);
        // rho = 0.017622 x 1000 / 2 = 8.811: cheaper across whole steps from N >= 1.13, so one range, from step 1: 2 x 730 / 0.017622.
        var range = Assert.Single(sonnet.BreakEvenIntervals);
        Assert.Equal(1460 / 0.017622, range.FromRequestsPerMonth, 6);
        Assert.Null(range.ToRequestsPerMonth);
        Assert.Equal(1460 / 0.017622, sonnet.BreakEvenRequestsPerMonth!.Value, 6);
        Assert.Equal(2 / 17.622, sonnet.BreakEvenUtilization!.Value, 9);
        Assert.Equal("2026-07-24", sonnet.PriceSeen);
    }

    [Fact]
    public void Peak_to_mean_adds_machines()
    {
        // 36,000/day with a 3x peak: 4,500/h peak needs 5 machines; u = 1,500 / 5,000 = 0.3; monthly 5 x 2 x 730 = 7,300.
        var c = CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0) with { PeakToMean = 3 });
        Assert.Equal(5, c.SelfHosted.Machines);
        Assert.Equal(0.3, c.SelfHosted.Utilization, 12);
        Assert.Equal(7300, c.SelfHosted.MonthlyCost, 9);
    }

    [Fact]
    public void Utilization_instead_of_traffic_divides_the_per_token_cost()
    {
        var c = CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0, requestsPerDay: null) with { Utilization = 0.25 });
        Assert.Equal(1, c.SelfHosted.Machines);
        Assert.Equal(6000, c.RequestsPerDay, 9);  // 0.25 x 1,000/h x 24
        Assert.Equal(0.10850694444 * 4, c.SelfHosted.InputCostPerMTokensAtUtilization, 9);
        // $2 x 730 / (6,000 / 24 x 730) = $0.008 a request = R / C / u.
        Assert.Equal(0.008, c.SelfHosted.CostPerRequest, 12);
        // The traffic was derived, not given: the result and the table say so.
        Assert.Equal("utilization", c.TrafficBasis);
        Assert.Contains(c.Labels, l => l.StartsWith("traffic derived from the given utilization 0.25"));
        Assert.Contains("derived from the given utilization 0.25", InferenceEconomics.Reporting.CostMarkdown.Render(c));
    }

    [Fact]
    public void Catalog_gpu_times_gpu_count()
    {
        var req = Rented(0) with { Machine = new MachinePricing { Gpu = "h100-sxm", Gpus = 2 } };
        var c = CostAnalyzer.Analyze(TestRuns.Run(), req);
        Assert.Equal(7.56, c.Pricing.DollarsPerHour, 12);   // 2 x $3.78 (Lambda)
        Assert.Contains("H100 SXM", c.Pricing.Description);
        Assert.Contains("lambda", c.Pricing.Description);
        Assert.Equal("rented", c.Pricing.Basis);
        // The test run was measured on the CPU: pricing it as an H100 is said, not hidden.
        Assert.Contains(c.Labels, l => l.Contains("measured on cpu but priced as NVIDIA H100 SXM"));
        var onH200 = TestRuns.Run() with
        {
            Engine = new InferenceEconomics.Schema.EngineInfo(EngineKind.Ort, "1.23", "cuda", new Device(DeviceKind.Cuda)),
            Environment = TestRuns.Run().Environment with { Gpus = [new InferenceEconomics.Schema.GpuInfo("NVIDIA H200", null, null, null, null, null)] },
        };
        Assert.Contains(CostAnalyzer.Analyze(onH200, req).Labels, l => l.Contains("measured on NVIDIA H200 but priced as NVIDIA H100 SXM"));
        Assert.DoesNotContain(CostAnalyzer.Analyze(onH200, req with { Machine = new MachinePricing { Gpu = "h200" } }).Labels, l => l.Contains("measured on"));
        // An uncertain [?] catalog price is labelled.
        var runpod = CostAnalyzer.Analyze(TestRuns.Run(), req with { Machine = new MachinePricing { Gpu = "h100-sxm:runpod" } });
        Assert.Contains(runpod.Labels, l => l.Contains("uncertain"));
    }

    private static ScenarioTelemetry Measured() => new()
    {
        // gpu0 at 500 W and the CPU package at 100 W in both phases (3 repetitions of 1.6 s and 27.2 s).
        Phases =
        [
            new PhaseTelemetry { Phase = Phase.Prefill, Source = "gpu0", Method = "counter", Seconds = 4.8, GrossJoules = 2400, JoulesPerToken = 0.2, Samples = 48 },
            new PhaseTelemetry { Phase = Phase.Decode, Source = "gpu0", Method = "counter", Seconds = 81.6, GrossJoules = 40800, JoulesPerToken = 1.5, Samples = 816 },
            new PhaseTelemetry { Phase = Phase.Prefill, Source = "cpu-package", Method = "counter", Seconds = 4.8, GrossJoules = 480, JoulesPerToken = 0.04, Samples = 48 },
            new PhaseTelemetry { Phase = Phase.Decode, Source = "cpu-package", Method = "counter", Seconds = 81.6, GrossJoules = 8160, JoulesPerToken = 0.3, Samples = 816 },
        ],
    };

    [Fact]
    public void Owned_hardware_with_measured_power_and_pue()
    {
        var req = Rented(0) with { Machine = new MachinePricing { Capex = 35_040, LifeYears = 4, Pue = 1.5, KwhPrice = 0.10, OtherPerHour = 0.01, Watts = 999 } };
        var c = CostAnalyzer.Analyze(TestRuns.Run(s2Telemetry: Measured()), req);
        // Measured: 500 W + 100 W = 600 W. R = 35,040 / 35,040 + 600 x 1.5 x 0.10 / 1000 + 0.01 = 1 + 0.09 + 0.01 = 1.10.
        Assert.Equal(600, c.Pricing.Watts!.Value, 9);
        Assert.Equal("measured", c.Pricing.WattsSource);
        Assert.Equal(1.10, c.Pricing.DollarsPerHour, 12);
        Assert.Equal(0.09, c.Pricing.EnergyDollarsPerHour!.Value, 12);
        Assert.Equal("owned", c.Pricing.Basis);
        Assert.Contains(c.Labels, l => l.Contains("the given 999 W ignored"));
        // Output energy: (1.5 + 0.3) J/token x 1.5 x 0.10 / 3.6e6 x 1e6 = 0.27 / 3.6 = $0.075 per M; input (0.24 J) $0.01 per M.
        Assert.Equal(0.075, c.SelfHosted.EnergyCostPerMOutputTokens!.Value, 12);
        Assert.Equal(0.01, c.SelfHosted.EnergyCostPerMInputTokens!.Value, 12);
    }

    [Fact]
    public void Owned_hardware_without_measured_power_uses_the_users_watts_labelled_estimated()
    {
        var req = Rented(0) with { Machine = new MachinePricing { Capex = 35_040, LifeYears = 4, Watts = 800 } };
        var c = CostAnalyzer.Analyze(TestRuns.Run(), req);
        Assert.Equal("estimated", c.Pricing.WattsSource);
        // Defaults PUE 1.58, $0.08/kWh: 1 + 800 x 1.58 x 0.08 / 1000 = 1 + 0.10112.
        Assert.Equal(1.10112, c.Pricing.DollarsPerHour, 12);
        Assert.Contains(c.Labels, l => l.Contains("estimated"));
        Assert.Contains(c.Labels, l => l.Contains("assumed defaults"));

        var none = Assert.Throws<ValidationException>(() =>
            CostAnalyzer.Analyze(TestRuns.Run(), req with { Machine = new MachinePricing { Capex = 35_040 } }));
        Assert.Equal(ErrorKind.Usage, none.Kind);
        Assert.Equal("Machine.Watts", Assert.Single(none.Errors).Field);
    }

    [Fact]
    public void Scenario_choice_follows_the_workload_or_the_user()
    {
        var small = CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0) with { Workload = new WorkloadSpec("tiny", 100, 0, 120, 0) });
        Assert.Equal("b1_p128_g128", small.ScenarioId);
        Assert.Contains(small.Labels, l => l.Contains("P=128, G=128"));   // 100 in is more than 10% from 128: said

        var chosen = CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0) with { ScenarioId = "b1_p1024_g1024" });
        Assert.Equal(300, chosen.SelfHosted.CapacityRequestsPerHour, 9);
        var unknown = Assert.Throws<InferenceEconomicsException>(() => CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0) with { ScenarioId = "b8_p1024_g1000" }));
        Assert.Equal(ErrorKind.UnknownName, unknown.Kind);
        Assert.Contains("b8_p1024_g1024", unknown.Message);
        var failed = Assert.Throws<InferenceEconomicsException>(() => CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0) with { ScenarioId = "b16_p1024_g1024" }));
        Assert.Equal(ErrorKind.ResultInvalid, failed.Kind);
    }

    [Fact]
    public void Honesty_labels_for_synthetic_weights_default_workload_and_no_traffic()
    {
        var c = CostAnalyzer.Analyze(TestRuns.Run(synthetic: true), new CostRequest { Machine = new MachinePricing { PricePerHour = 2 } });
        Assert.Contains(c.Labels, l => l.Contains("synthetic weights"));
        Assert.Contains(c.Labels, l => l.Contains("workload: chat (default"));
        Assert.Contains(c.Labels, l => l.Contains("100% busy"));
        Assert.Equal(1.0, c.SelfHosted.Utilization);
        Assert.Equal(CostAnalyzer.DefaultVs.Count, c.Api.Count);
    }

    [Fact]
    public void A_run_with_no_finished_scenario_is_refused()
    {
        var run = TestRuns.Run() with { Scenarios = [TestRuns.Scenario("x", 1, 8, 8, 0, 0, status: ScenarioStatus.Failed)] };
        var e = Assert.Throws<InferenceEconomicsException>(() => CostAnalyzer.Analyze(run, Rented(2.0)));
        Assert.Equal(ErrorKind.ResultInvalid, e.Kind);
    }

    [Fact]
    public void Json_keeps_unknowns_as_null_and_round_trips()
    {
        var c = CostAnalyzer.Analyze(TestRuns.Run(), Rented(2.0) with { Vs = ["o3"], BatchApi = true });
        var json = CostJson.Serialize(c);
        Assert.Contains("\"cost_per_request\": null", json);   // o3 has no batch price
        var back = CostJson.Deserialize(json);
        Assert.Equal(c.SelfHosted.MonthlyCost, back.SelfHosted.MonthlyCost);
        Assert.Null(back.Api[0].CostPerRequest);
    }
}

public class CostPreflightTests
{
    [Fact]
    public void Preflight_catches_bad_names_before_a_run()
    {
        var ok = new CostRequest { Machine = new MachinePricing { Gpu = "l4" }, Vs = ["gpt-4o-mini"] };
        CostAnalyzer.Preflight(ok);   // no throw
        Assert.Equal(ErrorKind.UnknownName, Assert.Throws<InferenceEconomicsException>(() => CostAnalyzer.Preflight(ok with { Vs = ["gpt-4o-mnii"] })).Kind);
        Assert.Equal(ErrorKind.UnknownName, Assert.Throws<InferenceEconomicsException>(() => CostAnalyzer.Preflight(ok with { Machine = new MachinePricing { Gpu = "l5" } })).Kind);
        var bad = Assert.Throws<ValidationException>(() => CostAnalyzer.Preflight(ok with { Workload = new WorkloadSpec("w", 10, 20, 5, 0) }));
        Assert.Equal(ErrorKind.Usage, bad.Kind);
        Assert.Equal("Workload.CachedInputTokens", Assert.Single(bad.Errors).Field);
    }
}

public class WorkloadCapacityTests
{
    [Fact]
    public void Capacity_for_a_longer_workload_is_scaled_from_measured_per_token_times()
    {
        // Scenario s1: B 1, P 128, G 128, prefill 0.1 s, ttft 0.101 s, e2e 2.0 s -> TPOT = (2.0 - 0.101) / 127 s.
        // Workload 1,280 in / 255 out (10x the prompt, about 2x the output): per batch of 1 request
        //   0.1 x 10 + 0.001 + 254 x TPOT seconds.
        var run = TestRuns.Run() with { Scenarios = [TestRuns.Scenario("b1_p128_g128", 1, 128, 128, 0.1, 2.0)] };
        var req = new CostRequest
        {
            Machine = new MachinePricing { PricePerHour = 1.0 },
            Workload = new WorkloadSpec("custom", 1280, 0, 255, 0),
            RequestsPerDay = 24_000,
            Vs = ["gpt-4o-mini"],
        };
        var c = CostAnalyzer.Analyze(run, req);
        double tpot = (2.0 - 0.101) / 127;
        double seconds = 0.1 * 10 + 0.001 + 254 * tpot;
        Assert.Equal(3600 / seconds, c.SelfHosted.CapacityRequestsPerHour, 6);
        // 24,000/day = 1,000/h; capacity ~ 734/h -> 2 machines; cost per request at full use = $1/h / capacity.
        Assert.Equal(2, c.SelfHosted.Machines);
        Assert.Equal(1.0 / (3600 / seconds), c.SelfHosted.CostPerRequestFullUse, 12);
        Assert.Contains(c.Labels, l => l.StartsWith("capacity estimated from scenario b1_p128_g128:"));
        Assert.False(c.Capacity!.Measured);

        // A matching workload keeps the measured e2e: C = 3600 / 2.0.
        var matched = CostAnalyzer.Analyze(run, req with { Workload = new WorkloadSpec("custom", 128, 0, 128, 0) });
        Assert.Equal(1800, matched.SelfHosted.CapacityRequestsPerHour, 9);
        Assert.DoesNotContain(matched.Labels, l => l.StartsWith("capacity estimated"));
        Assert.True(matched.Capacity!.Measured);
    }
}
