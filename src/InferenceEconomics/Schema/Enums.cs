using System.Text.Json.Serialization;

namespace InferenceEconomics.Schema;

// Every closed set of words a result document uses, as enums: the JSON converter in ResultJson writes
// them snake_case ("not_run", "ci_reached"), so documents read exactly as they did when these were strings.

/// <summary>Where a run stands. <see cref="Running"/> while the sweep goes on; the rest are final.</summary>
public enum RunStatus
{
    Running,
    Complete,
    /// <summary>Stopped by the user or a signal; finished scenarios were kept.</summary>
    Interrupted,
    /// <summary>Finished, but some scenarios failed.</summary>
    Partial,
    /// <summary>
    /// Never written: how a reader shows a "running" document whose process (recorded in <c>process</c>, on this
    /// host) is gone — killed, crashed, the machine rebooted. Its finished scenarios are kept.
    /// </summary>
    Abandoned,
}

public enum ScenarioStatus
{
    Ok,
    Failed,
    /// <summary>The sweep was interrupted before this scenario started.</summary>
    NotRun,
    /// <summary>Interrupted inside the scenario: the repetitions measured so far are kept.</summary>
    Interrupted,
}

/// <summary>Why a scenario's repetitions stopped (docs/metrics.md "Statistics").</summary>
public enum StopReason { CiReached, TimeBudget, MaxRepetitions, Interrupted }

/// <summary>A measurement window of a run.</summary>
public enum Phase { Idle, Prefill, Decode }

/// <summary>Numeric precision of the weights as the builder names it.</summary>
public enum WeightPrecision { Fp32, Fp16, Int4 }

/// <summary>Element type of activations, logits and the KV cache (the builder's "io dtype").</summary>
public enum IoDType { Float32, Float16 }

/// <summary>Attention form of a builder-format graph.</summary>
public enum AttentionKind
{
    /// <summary>GroupQueryAttention with fused rotary; no position_ids input (builder since v0.11).</summary>
    GroupQuery,
    /// <summary>MultiHeadAttention + RotaryEmbedding + position_ids (older builder, shared tiny model).</summary>
    [JsonStringEnumMemberName("multi_head+position_ids")]
    MultiHeadWithPositionIds,
}

/// <summary>The engine a run asks for (<see cref="Auto"/>) or used.</summary>
public enum EngineKind
{
    Auto,
    /// <summary>ONNX Runtime GenAI.</summary>
    [JsonStringEnumMemberName("genai")]
    GenAi,
    /// <summary>Plain ONNX Runtime with the project's own prefill/decode loop.</summary>
    Ort,
    /// <summary>An OpenAI-compatible HTTP server measured from outside (the `load` command).</summary>
    Endpoint,
}
