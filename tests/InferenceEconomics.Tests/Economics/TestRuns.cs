using InferenceEconomics.Measurement;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Economics;

/// <summary>Builds RunResult documents in code with round numbers, so expected costs can be worked out by hand.</summary>
internal static class TestRuns
{
    /// <summary>A summary whose every statistic is x (only the medians matter to Economics).</summary>
    public static SampleSummary Flat(double x) => new(3, x, x, x, x, 0, 0, x, x, x, x);

    public static ScenarioResult Scenario(string id, int b, int p, int g, double prefill, double e2e, ScenarioStatus status = ScenarioStatus.Ok, ScenarioTelemetry? telemetry = null)
    {
        var ttft = prefill + 0.001;
        var steps = Enumerable.Repeat((e2e - ttft) / (g - 1), g - 1).ToList();
        var rep = new RepetitionSample { PrefillSeconds = prefill, TtftSeconds = ttft, StepSeconds = steps, PrefillStartOffset = 0, DecodeStartOffset = ttft, DecodeEndOffset = e2e };
        return new ScenarioResult
        {
            Id = id, BatchSize = b, PromptTokens = p, GenTokens = g, Status = status,
            FailureReason = status == ScenarioStatus.Ok ? null : "out of memory",
            Repetitions = status == ScenarioStatus.Ok ? [rep, rep, rep] : [],
            Summary = status == ScenarioStatus.Ok
                // The summary keys are result.json's contract (results/README.md), written out here on purpose.
                ? new Dictionary<string, SampleSummary>
                {
                    ["prefill_tps"] = Flat(b * p / prefill), ["decode_tps"] = Flat(b * (g - 1) / (e2e - ttft)), ["output_tps"] = Flat(b * g / e2e),
                    ["ttft_seconds"] = Flat(ttft), ["tpot_seconds"] = Flat((e2e - ttft) / (g - 1)), ["e2e_seconds"] = Flat(e2e),
                    ["itl_seconds"] = Flat((e2e - ttft) / (g - 1)), ["prefill_seconds"] = Flat(prefill),
                }
                : null,
            Telemetry = telemetry,
        };
    }

    /// <summary>
    /// Three finished scenarios and one failed:
    /// s1 B=1 P=128 G=128 (e2e 2 s); s2 B=8 P=1024 G=1024 (prefill 1.6 s, e2e 28.8 s: C = 1000 requests/h);
    /// s3 B=1 P=1024 G=1024 (e2e 12 s: C = 300 requests/h); s4 B=16 failed.
    /// </summary>
    public static RunResult Run(ScenarioTelemetry? s2Telemetry = null, bool synthetic = false) => new()
    {
        RunId = "test-run",
        StartedUtc = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
        Tool = new ToolInfo("InferenceEconomics", "0.1.0", null),
        Config = new RunSettings { ModelSpec = "tiny", BatchSizes = [1, 8, 16], PromptTokens = [128, 1024], GenTokens = [128, 1024] },
        Environment = new EnvironmentInfo { Host = "test", Os = "linux", CpuModel = "cpu", LogicalCores = 2, DotnetVersion = "10.0" },
        Model = new ModelInfo
        {
            Name = "tiny", Path = "/models/tiny", Synthetic = synthetic, SyntheticOf = synthetic ? "phi-3-mini" : null,
            ModelType = "llama", Precision = WeightPrecision.Int4, IoDType = IoDType.Float32, Attention = AttentionKind.GroupQuery,
            Layers = 2, HiddenSize = 64, Heads = 4, KvHeads = 2, HeadSize = 16, VocabSize = 1000, ContextLength = 4096,
        },
        Engine = new EngineInfo(EngineKind.GenAi, "0.18", "cpu", Device.Cpu),
        Scenarios =
        [
            Scenario("b1_p128_g128", 1, 128, 128, 0.1, 2.0),
            Scenario("b8_p1024_g1024", 8, 1024, 1024, 1.6, 28.8, telemetry: s2Telemetry),
            Scenario("b1_p1024_g1024", 1, 1024, 1024, 0.2, 12.0),
            Scenario("b16_p1024_g1024", 16, 1024, 1024, 0, 0, status: ScenarioStatus.Failed),
        ],
        Labels = synthetic ? ["synthetic weights, same shape as phi-3-mini"] : [],
    };

}
