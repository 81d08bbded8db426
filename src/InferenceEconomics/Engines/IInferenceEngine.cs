using InferenceEconomics.Models;
using InferenceEconomics.Results;

namespace InferenceEconomics.Engines;

/// <summary>
/// Runs a loaded model for benchmark repetitions. One engine instance holds one loaded model
/// (session) and serves every scenario of a sweep. Implementations: GenAiEngine (ORT GenAI),
/// OrtEngine (plain ONNX Runtime, CPU or CUDA EP).
/// </summary>
public interface IInferenceEngine : IDisposable
{
    EngineInfo Info { get; }

    /// <summary>
    /// One repetition: prefill the B x P prompt, then decode to exactly G tokens per sequence
    /// (G-1 decode model runs). Timestamps are Stopwatch ticks; each is taken after the step's
    /// result is on the host (docs/metrics.md). Throws <see cref="ScenarioFailedException"/> when the
    /// scenario cannot run (context length, out of memory): the sweep records it and goes on.
    /// </summary>
    RepetitionTimestamps Run(GenerationRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// An engine that keeps one sequence's KV cache across turns (a conversation): each turn's new prompt ids are
/// prefilled on top of everything before them, then the turn's answer is generated.
/// </summary>
public interface IConversationEngine
{
    /// <summary>
    /// Runs one conversation on one sequence and returns each turn's incremental prefill in seconds (the
    /// append of its new ids; each time taken after the logits are ready). <paramref name="hook"/>(turn index, before)
    /// is called before each append and after each answer, outside the timed parts (to interleave other measurements).
    /// </summary>
    IReadOnlyList<double> RunConversation(IReadOnlyList<ConversationTurnIds> turns, Action<int, bool>? hook = null, CancellationToken cancellationToken = default);
}

/// <summary>One turn of a measured conversation: the new prompt ids (user message, retrieved context) and the answer's length.</summary>
public sealed record ConversationTurnIds(int[] NewIds, int AssistantTokens);

/// <summary>
/// What to generate. <see cref="PromptIds"/> is row-major B x P; <see cref="CaptureTokens"/> asks the
/// engine to return the generated ids (parity tests) — off while measuring.
/// </summary>
public sealed record GenerationRequest(int BatchSize, int PromptTokens, int GenTokens, int[] PromptIds, bool CaptureTokens = false)
{
    public int TotalLength => PromptTokens + GenTokens;
}

/// <summary>Raw Stopwatch timestamps of one repetition.</summary>
public sealed class RepetitionTimestamps
{
    public required long PrefillStart { get; init; }
    /// <summary>End of the prompt forward pass (logits ready).</summary>
    public required long PrefillEnd { get; init; }
    /// <summary>End of first-token selection (TTFT edge).</summary>
    public required long FirstTokenEnd { get; init; }
    /// <summary>End timestamp of each later decode step, i = 1..G-1.</summary>
    public required long[] StepEnds { get; init; }
    /// <summary>Generated ids per sequence [B][G] when requested, else null.</summary>
    public int[][]? GeneratedIds { get; init; }
}

/// <summary>The scenario cannot run on this model/machine; the reason goes into the result.</summary>
internal sealed class ScenarioFailedException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>Which engine and where: the engine part of <see cref="RunSettings"/> (whose initialisers are the defaults).</summary>
public sealed record EngineOptions
{
    private static readonly RunSettings Defaults = new();

    public EngineKind Engine { get; init; } = Defaults.EngineRequested;
    public Device Device { get; init; } = Defaults.Device;
    /// <summary>Intra-op threads; null: <see cref="DefaultIntraOpThreads"/>.</summary>
    public int? IntraOpThreads { get; init; } = Defaults.IntraOpThreads;
    public bool CudaGraph { get; init; } = Defaults.CudaGraph;
    /// <summary>Let ONNX Runtime / GenAI print their own warnings and errors to stderr (the CLI's --verbose); off = fatal only.</summary>
    public bool NativeLogs { get; init; }

    public static EngineOptions From(RunSettings s) =>
        new() { Engine = s.EngineRequested, Device = s.Device, IntraOpThreads = s.IntraOpThreads, CudaGraph = s.CudaGraph };

    /// <summary>
    /// Both engines' thread count when none is asked for: GenAI's own default (model.cpp: half the hardware
    /// threads, 1..16), so the two engines compare at the same parallelism. ORT's own default (all physical
    /// cores, spinning) was 1.5-2x slower per decode step than GenAI on a busy 2-core machine.
    /// </summary>
    public static int DefaultIntraOpThreads => Math.Clamp(Environment.ProcessorCount / 2, 1, 16);

    /// <summary>The threads a session built from these options uses (recorded in the engine info).</summary>
    public int EffectiveIntraOpThreads => IntraOpThreads ?? DefaultIntraOpThreads;
}

/// <summary>Creates the engine for a resolved model. The CLI and tests go through this.</summary>
public interface IEngineFactory
{
    IInferenceEngine Create(ResolvedModel model, EngineOptions options);
}
