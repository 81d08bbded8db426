namespace InferenceEconomics.Schema;

/// <summary>
/// Everything a run is asked to do. The initialisers are the only copy of each default: the CLI binds
/// its options to these properties and prints its help from a fresh instance, and result.json records
/// the effective record as "config". Add properties, never rename them (readers of older documents see
/// a missing property as its default).
/// </summary>
public sealed record RunSettings
{
    /// <summary>A folder with genai_config.json, an alias from models/models.json, or synthetic:&lt;preset&gt;.</summary>
    public string ModelSpec { get; init; } = "synthetic:tiny";
    /// <summary>Weights of a synthetic model; null: fp32 on CPU, fp16 on CUDA, or the alias variant's.</summary>
    public WeightPrecision? Precision { get; init; }
    public EngineKind EngineRequested { get; init; } = EngineKind.Auto;
    public Device Device { get; init; } = Device.Cpu;
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 8];
    public IReadOnlyList<int> PromptTokens { get; init; } = [128];
    /// <summary>Generated tokens per sequence, at least 2 (one prefill token plus decode steps).</summary>
    public IReadOnlyList<int> GenTokens { get; init; } = [32];
    /// <summary>Discarded repetitions before measuring each scenario.</summary>
    public int WarmupRepetitions { get; init; } = 1;
    public int MinRepetitions { get; init; } = 3;
    public int MaxRepetitions { get; init; } = 50;
    /// <summary>Seconds of measured repetitions per scenario (warm-up not counted).</summary>
    public double TimeBudgetSeconds { get; init; } = 10;
    /// <summary>Stop when the 95% CI of the median of prefill and decode t/s is within this relative half-width (0.02 = ±2%).</summary>
    public double CiTarget { get; init; } = 0.02;
    /// <summary>Seed of the random prompt token ids.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>ONNX Runtime intra-op threads asked for; null: the engine's default (what it used is in the engine info).</summary>
    public int? IntraOpThreads { get; init; }
    /// <summary>Capture the decode step in a CUDA graph (ORT engine on CUDA only).</summary>
    public bool CudaGraph { get; init; }
    /// <summary>Sample power and utilization during the run.</summary>
    public bool Telemetry { get; init; } = true;
    public int TelemetrySampleMs { get; init; } = 50;
    /// <summary>Idle power baseline before the sweep, seconds; 0 turns it off (energy is then gross only).</summary>
    public double IdleBaselineSeconds { get; init; } = 3;
    /// <summary>Idle seconds between scenarios, so a GPU's clocks and temperature settle before the next one (0: none).</summary>
    public double CooldownSeconds { get; init; }
    /// <summary>
    /// A workload (built-in name or workload file) the sweep measures: prompt lengths = its request's input, or a
    /// conversation's context length at each turn; generated = its output (+ reasoning) or each turn's answer.
    /// A conversation is also measured turn by turn with KV reuse against full re-prefill (batch 1; GenAI, or ORT on GroupQueryAttention models with a shared KV buffer).
    /// </summary>
    public string? Workload { get; init; }
    /// <summary>Interleaved rounds of a conversation measurement (after one warm-up round).</summary>
    public int ConversationRounds { get; init; } = 5;
    /// <summary>The largest sweep (batch sizes x prompt lengths x generated lengths) a run accepts.</summary>
    public int MaxScenarios { get; init; } = 1000;

    /// <summary>The cross product of the three lists, in order (llama-bench: every parameter is a list).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public int ScenarioCount => BatchSizes.Count * PromptTokens.Count * GenTokens.Count;
}
