using InferenceEconomics.Economics;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Reporting;

/// <summary>
/// Builds realistic run results in code: raw repetition samples with seeded noise, laid out on
/// one run clock, summaries computed from those samples, optional telemetry series and phases.
/// </summary>
internal static class TestRuns
{
    public static RunResult Build(
        int[]? batches = null, int[]? prompts = null, int gen = 17, int reps = 6, int seed = 1,
        bool telemetry = true, bool synthetic = true, string device = "cuda", string gpu = "NVIDIA H100 80GB HBM3",
        DateTimeOffset? started = null, string host = "gpu-box-1", double speed = 1.0, string model = "phi-3-mini")
    {
        batches ??= [1, 4, 8];
        prompts ??= [128, 512];
        var rng = new Random(seed);
        double clock = 5.0; // idle baseline occupies 1..4 s
        var scenarios = new List<ScenarioResult>();
        foreach (var p in prompts)
            foreach (var b in batches)
            {
                var list = new List<RepetitionSample>();
                for (int i = 0; i < reps; i++)
                {
                    double prefillTps = 9000.0 * Math.Sqrt(b) * speed * (1 + 0.02 * (rng.NextDouble() - 0.5));
                    double prefill = b * p / prefillTps;
                    double ttft = prefill + 0.0004;
                    double stepBase = (0.011 + 0.0006 * b) / speed;
                    var steps = Enumerable.Range(0, gen - 1).Select(_ => stepBase * (1 + 0.03 * (rng.NextDouble() - 0.5))).ToList();
                    list.Add(new RepetitionSample
                    {
                        PrefillSeconds = prefill,
                        TtftSeconds = ttft,
                        StepSeconds = steps,
                        PrefillStartOffset = clock,
                        DecodeStartOffset = clock + ttft,
                        DecodeEndOffset = clock + ttft + steps.Sum(),
                    });
                    clock += ttft + steps.Sum() + 0.05;
                }
                var sc = new ScenarioResult
                {
                    Id = $"b{b}-p{p}-g{gen}", BatchSize = b, PromptTokens = p, GenTokens = gen, Status = ScenarioStatus.Ok,
                    WarmupRepetitions = 1, StopReason = StopReason.CiReached, Repetitions = list,
                };
                sc = sc with { Summary = Summarize(sc) };
                if (telemetry) sc = sc with { Telemetry = PhasesFor(sc) };
                scenarios.Add(sc);
            }

        return new RunResult
        {
            RunId = $"run-{seed}",
            StartedUtc = started ?? new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero),
            Tool = new ToolInfo("InferenceEconomics", "0.1.0", "abc1234"),
            Config = new RunSettings { ModelSpec = model, Device = Device.TryParse(device)!.Value, BatchSizes = batches, PromptTokens = prompts, GenTokens = [gen] },
            Environment = new EnvironmentInfo
            {
                Host = host, Os = "Debian 12", CpuModel = "AMD EPYC 9654", LogicalCores = 16, MemoryBytes = 128L << 30, DotnetVersion = "10.0.0",
                OrtVersion = "1.31.0", GenAiVersion = "0.18.0",
                Gpus = device == "cpu" ? [] : [new GpuInfo(gpu, "GPU-1", "580.65", "13.0", 80L << 30, 700)],
            },
            Model = new ModelInfo
            {
                Name = model, Path = "models/cache/phi-3-mini-int4", Synthetic = synthetic, SyntheticOf = synthetic ? model : null,
                ModelType = "phi3", Precision = WeightPrecision.Int4, IoDType = IoDType.Float16, Attention = AttentionKind.GroupQuery, Layers = 32, HiddenSize = 3072,
                Heads = 32, KvHeads = 32, HeadSize = 96, IntermediateSize = 8192, VocabSize = 32064, ContextLength = 4096,
            },
            Engine = new EngineInfo(EngineKind.GenAi, "0.18.0", device == "cpu" ? "cpu" : "cuda", Device.TryParse(device)!.Value),
            Scenarios = scenarios,
            Telemetry = telemetry ? RunTelemetry(clock) : null,
            Labels = synthetic ? [$"synthetic weights, same shape as {model}"] : [],
        };
    }

    /// <summary>The planted regression: every decode step takes 1/0.9 as long (decode throughput x 0.9).</summary>
    public static RunResult SlowDecode(RunResult r, double factor = 0.9) => r with
    {
        Scenarios = r.Scenarios.Select(s => s with
        {
            Repetitions = s.Repetitions.Select(rep => rep with { StepSeconds = rep.StepSeconds.Select(x => x / factor).ToList() }).ToList(),
        }).Select(s => s with { Summary = Summarize(s) }).ToList(),
    };

    /// <summary>The summary written the documented way (results/README.md keys), independently of the metric catalog.</summary>
    public static IReadOnlyDictionary<string, SampleSummary> Summarize(ScenarioResult s)
    {
        var reps = s.Repetitions;
        return new Dictionary<string, SampleSummary>
        {
            ["prefill_tps"] = Sum(reps.Select(r => s.BatchSize * (double)s.PromptTokens / r.PrefillSeconds)),
            ["decode_tps"] = Sum(reps.Select(r => s.BatchSize * (double)r.StepSeconds.Count / r.StepSeconds.Sum())),
            ["output_tps"] = Sum(reps.Select(r => s.BatchSize * (double)s.GenTokens / r.E2eSeconds)),
            ["ttft_seconds"] = Sum(reps.Select(r => r.TtftSeconds)),
            ["tpot_seconds"] = Sum(reps.Select(r => r.StepSeconds.Average())),
            ["e2e_seconds"] = Sum(reps.Select(r => r.E2eSeconds)),
            ["itl_seconds"] = Sum(reps.SelectMany(r => r.StepSeconds)),
            ["prefill_seconds"] = Sum(reps.Select(r => r.PrefillSeconds)),
        };
    }

    /// <summary>Plain descriptive statistics (the CI here is just min..max; tests do not depend on it).</summary>
    public static SampleSummary Sum(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        double Q(double q) { double h = (v.Length - 1) * q; int lo = (int)h; int hi = Math.Min(lo + 1, v.Length - 1); return v[lo] + (h - lo) * (v[hi] - v[lo]); }
        double mean = v.Average();
        double sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new SampleSummary(v.Length, mean, Q(0.5), Q(0.9), Q(0.99), sd, sd / mean, v[0], v[^1], v[0], v[^1]);
    }

    private static ScenarioTelemetry PhasesFor(ScenarioResult s)
    {
        double prefillSeconds = s.Repetitions.Sum(r => r.PrefillSeconds);
        double decodeSeconds = s.Repetitions.Sum(r => r.DecodeEndOffset - r.DecodeStartOffset);
        double prefillJ = prefillSeconds * 520, decodeJ = decodeSeconds * 380;
        int n = s.Repetitions.Count;
        return new ScenarioTelemetry
        {
            Phases =
            [
                new PhaseTelemetry { Phase = Phase.Prefill, Source = "gpu0", Method = "counter", Seconds = prefillSeconds, GrossJoules = prefillJ,
                    JoulesPerToken = prefillJ / (n * s.BatchSize * (double)s.PromptTokens), AverageWatts = 520, PeakWatts = 610, AverageUtilization = 97, Samples = 12 },
                new PhaseTelemetry { Phase = Phase.Decode, Source = "gpu0", Method = "counter", Seconds = decodeSeconds, GrossJoules = decodeJ,
                    JoulesPerToken = decodeJ / (n * s.BatchSize * (double)(s.GenTokens - 1)), AverageWatts = 380, PeakWatts = 430, AverageUtilization = 71, Samples = 40 },
            ],
        };
    }

    private static TelemetryRunInfo RunTelemetry(double end)
    {
        var offsets = new List<double>();
        for (double t = 0.5; t < end + 0.5; t += 0.05) offsets.Add(Math.Round(t, 3));
        // Power follows a plausible shape: idle 80 W before 5 s, 300-450 W while measuring.
        var power = offsets.Select(t => t < 5 ? 80 + 3 * Math.Sin(t * 7) : 380 + 60 * Math.Sin(t * 3)).ToList();
        var util = offsets.Select(t => t < 5 ? 1.0 : 70 + 25 * Math.Sin(t * 2.1)).ToList();
        return new TelemetryRunInfo
        {
            SampleMs = 50,
            Sources =
            [
                new TelemetrySourceStatus("nvml", true, null, "NVIDIA H100 80GB HBM3, driver 580.65"),
                new TelemetrySourceStatus("procfs", true, null, null),
                new TelemetrySourceStatus("rapl", false, "no readable /sys/class/powercap/*/energy_uj", null),
            ],
            Idle = new IdleBaseline(1, 4, new Dictionary<string, double> { ["gpu0"] = 80 }, 60),
            Series = [new TelemetrySeries("gpu0.power", "W", offsets, power), new TelemetrySeries("gpu0.util", "%", offsets, util)],
        };
    }

    public static CostComparison Cost() => new()
    {
        ScenarioId = "b8-p512-g17", BatchSize = 8, PromptTokens = 512, GenTokens = 17,
        Workload = new WorkloadSpec("chat", 1000, 0, 1000, 0),
        RequestsPerDay = 20000,
        PeakToMean = 2,
        Pricing = new HardwarePricing { Description = "1 x H100 SXM @ $2.99/GPU-h (example)", Basis = "rented", DollarsPerHour = 2.99, Watts = 400, WattsSource = "estimated" },
        SelfHosted = new SelfHostedCost
        {
            InputCostPerMTokensFullUse = 0.05, OutputCostPerMTokensFullUse = 1.2, CapacityRequestsPerHour = 1500, Machines = 2,
            Utilization = 20000.0 / 24 / (2 * 1500), MonthlyCost = 2 * 2.99 * 730, CostPerRequest = 2 * 2.99 * 730 / (20000 * 730 / 24.0),
        },
        Api =
        [
            new ApiCostLine { Provider = "openai", Model = "gpt-4o-mini", CostPerRequest = 0.00075, MonthlyCost = 0.00075 * 20000 * 730 / 24, ApiToSelfHostedRatio = 0.1, BreakEvenRequestsPerMonth = null },
            new ApiCostLine { Provider = "anthropic", Model = "claude-sonnet-4.5", CostPerRequest = 0.018, MonthlyCost = 0.018 * 20000 * 730 / 24, ApiToSelfHostedRatio = 2.5, BreakEvenRequestsPerMonth = 121_261, BreakEvenUtilization = 121_261 / 730.0 / 1500 },
            new ApiCostLine { Provider = "example", Model = "unknown-price", CostPerRequest = null, Notes = ["output price unknown"] },
        ],
        Labels = ["energy from estimated watts (400 W, user-supplied)"],
    };
}
