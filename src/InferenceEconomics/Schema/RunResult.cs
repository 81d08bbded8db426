using System.Text.Json.Serialization;

namespace InferenceEconomics.Schema;

// The result document: one per run, JSON, snake_case, schema-versioned.
// Documented in results/README.md (the schema section). Add fields, never rename:
// readers of older documents must keep working (missing sections are null).

/// <summary>One run of the harness: configuration, environment, model and every scenario with raw samples.</summary>
public sealed record RunResult
{
    /// <summary>Bumped on any incompatible change; readers refuse a newer major.</summary>
    public const string CurrentSchemaVersion = "1.0";

    public string SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string RunId { get; init; }
    public required DateTimeOffset StartedUtc { get; init; }
    public DateTimeOffset? FinishedUtc { get; init; }
    public RunStatus Status { get; init; } = RunStatus.Complete;
    public required ToolInfo Tool { get; init; }
    /// <summary>Every effective setting of the run (the defaults are <see cref="RunSettings"/>' initialisers).</summary>
    public required RunSettings Config { get; init; }
    public required EnvironmentInfo Environment { get; init; }
    public required ModelInfo Model { get; init; }
    public required EngineInfo Engine { get; init; }
    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }
    /// <summary>Run-level telemetry: which sources worked, the idle baseline. Null when telemetry was off.</summary>
    public TelemetryRunInfo? Telemetry { get; init; }
    /// <summary>Wall time of the run's stages (cold-start cost of loading the model, for instance).</summary>
    public RunTimings? Timings { get; init; }
    /// <summary>Honesty notes every output must show (synthetic weights, ...). Rendered once per output.</summary>
    public IReadOnlyList<Note> Notes { get; init; } = [];
    /// <summary>The notes' texts, kept for readers of schema 1.0 documents written before <see cref="Notes"/> existed.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    /// <summary>A load run's settings (the `load` command); null for a static-batch run.</summary>
    public LoadSettings? LoadConfig { get; init; }
    /// <summary>The endpoint a load run measured; null for a static-batch run.</summary>
    public EndpointInfo? Endpoint { get; init; }
    /// <summary>The process that wrote the run: a reader on the same host shows a "running" run whose process is gone as abandoned.</summary>
    public RunProcess? Process { get; init; }
    /// <summary>KV-reuse measurement of a conversation workload (run --workload FILE|NAME); null when none was asked for.</summary>
    public ConversationMeasurement? Conversation { get; init; }
}

/// <summary>
/// A conversation measured turn by turn, two ways in each round, alternated: with KV reuse (one generator
/// keeps the history's KV cache; only the new turn's tokens are prefilled on top of it) and full re-prefill
/// (a fresh generator prefills the whole context). Times in seconds, one per round.
/// </summary>
public sealed record ConversationMeasurement
{
    public required string Workload { get; init; }
    public int BatchSize { get; init; } = 1;
    public required int Rounds { get; init; }
    public required IReadOnlyList<TurnMeasurement> Turns { get; init; }
    /// <summary>Why the measurement stopped short (context length, a failure); null when every turn ran.</summary>
    public string? StoppedReason { get; init; }
}

/// <summary>One turn: its tokens and the raw prefill times with and without KV reuse, summarised by the conversation metrics.</summary>
public sealed record TurnMeasurement
{
    public required int Turn { get; init; }
    public required int HistoryTokens { get; init; }
    public required int NewTokens { get; init; }
    public required int ContextTokens { get; init; }
    public required int AssistantTokens { get; init; }
    /// <summary>Prefill of the new tokens on top of the kept history (KV reuse), per round.</summary>
    public required IReadOnlyList<double> IncrementalPrefillSeconds { get; init; }
    /// <summary>Prefill of the whole context on a fresh generator, per round (the same round as the incremental one).</summary>
    public required IReadOnlyList<double> FullPrefillSeconds { get; init; }
    /// <summary>Summaries keyed by the conversation metrics' summary keys.</summary>
    public IReadOnlyDictionary<string, SampleSummary>? Summary { get; init; }
}

/// <summary>Who writes a run: pid, host name and the process's start time (a pid reused by another process does not count as alive).</summary>
public sealed record RunProcess(int Pid, string Host, DateTimeOffset StartedUtc);

/// <summary>Seconds per stage: resolving the model (with <see cref="SyntheticGenerated"/>: generating it), loading it, the sweep.</summary>
public sealed record RunTimings(double ResolveSeconds, bool SyntheticGenerated, double LoadSeconds, double? SweepSeconds);

public sealed record ToolInfo(string Name, string Version, string? GitCommit);

public sealed record EnvironmentInfo
{
    public required string Host { get; init; }
    public required string Os { get; init; }
    public required string CpuModel { get; init; }
    public required int LogicalCores { get; init; }
    public long? MemoryBytes { get; init; }
    public required string DotnetVersion { get; init; }
    public string? OrtVersion { get; init; }
    [JsonPropertyName("genai_version")] public string? GenAiVersion { get; init; }
    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];
    /// <summary>CPU streaming-read bandwidth measured by the harness (roofline of CPU runs); null when not measured.</summary>
    public double? MemoryBandwidthBytesPerSecond { get; init; }
    public string? MemoryBandwidthMethod { get; init; }
}

public sealed record GpuInfo(string Name, string? Uuid, string? DriverVersion, string? CudaDriverVersion, long? MemoryTotalBytes, double? PowerLimitWatts);

public sealed record ModelInfo
{
    /// <summary>Display name: alias, preset or folder name.</summary>
    public required string Name { get; init; }
    public required string Path { get; init; }
    /// <summary>True when the weights are seeded random values (synthetic model).</summary>
    public required bool Synthetic { get; init; }
    /// <summary>The real model whose shape a synthetic model copies (preset or alias), when synthetic.</summary>
    public string? SyntheticOf { get; init; }
    public required string ModelType { get; init; }
    public required WeightPrecision Precision { get; init; }
    [JsonPropertyName("io_dtype")] public required IoDType IoDType { get; init; }
    public required AttentionKind Attention { get; init; }
    public required int Layers { get; init; }
    public required int HiddenSize { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadSize { get; init; }
    public int? IntermediateSize { get; init; }
    public required int VocabSize { get; init; }
    public required int ContextLength { get; init; }
    public long? ParameterCount { get; init; }
    /// <summary>Bytes of model.onnx + external data on disk (weights read per decode step, roughly).</summary>
    public long? WeightBytes { get; init; }
    /// <summary>SHA-256 of model.onnx (the graph; the data file is identified by size and the seed).</summary>
    public string? OnnxSha256 { get; init; }
}

/// <summary>The engine that ran, where, and the intra-op threads its session really used (null when the runtime chose and did not say).</summary>
public sealed record EngineInfo(EngineKind Name, string Version, string ExecutionProvider, Device Device)
{
    public int? IntraOpThreads { get; init; }
}

public sealed record ScenarioResult
{
    public required string Id { get; init; }
    public required int BatchSize { get; init; }
    public required int PromptTokens { get; init; }
    public required int GenTokens { get; init; }
    public required ScenarioStatus Status { get; init; }
    public string? FailureReason { get; init; }
    public int WarmupRepetitions { get; init; }
    public StopReason? StopReason { get; init; }
    public IReadOnlyList<RepetitionSample> Repetitions { get; init; } = [];
    /// <summary>Summaries over the repetitions, keyed by the metric catalog's summary keys ("decode_tps", "ttft_seconds", ...).</summary>
    public IReadOnlyDictionary<string, SampleSummary>? Summary { get; init; }
    /// <summary>Per-phase power, energy, utilization. Null when telemetry was off.</summary>
    public ScenarioTelemetry? Telemetry { get; init; }
    /// <summary>Static batch (absent in older documents) or a load level.</summary>
    public ScenarioKind Kind { get; init; } = ScenarioKind.Static;
    /// <summary>A load level's requests and window (Kind load); null for a static batch.</summary>
    public LoadLevel? Load { get; init; }
}

/// <summary>
/// One measured repetition: raw times in seconds. Phase windows are offsets in seconds from the
/// run's monotonic clock origin (RunClock), so telemetry samples can be cut by the same clock.
/// </summary>
public sealed record RepetitionSample
{
    public required double PrefillSeconds { get; init; }
    public required double TtftSeconds { get; init; }
    /// <summary>Each later decode step, i = 1..G-1.</summary>
    public required IReadOnlyList<double> StepSeconds { get; init; }
    public required double PrefillStartOffset { get; init; }
    public required double DecodeStartOffset { get; init; }
    public required double DecodeEndOffset { get; init; }

    [JsonIgnore] public double E2eSeconds => TtftSeconds + StepSeconds.Sum();
}

public sealed record TelemetryRunInfo
{
    public required int SampleMs { get; init; }
    public required IReadOnlyList<TelemetrySourceStatus> Sources { get; init; }
    /// <summary>Idle baseline window before the sweep; null when turned off.</summary>
    public IdleBaseline? Idle { get; init; }
    /// <summary>Time series for charts: offsets (s, RunClock) and values, per channel name. Bounded.</summary>
    public IReadOnlyList<TelemetrySeries> Series { get; init; } = [];
    /// <summary>Samples the sampler took over the run, and how many came later than one period after the previous one.</summary>
    public long SamplesTaken { get; init; }
    public long LateSamples { get; init; }
    /// <summary>Mean time one sample took to read every source (the sampler's own cost), microseconds.</summary>
    public double? MeanReadMicroseconds { get; init; }
}

public sealed record TelemetrySourceStatus(string Name, bool Available, string? Reason, string? Detail);

public sealed record IdleBaseline(double StartOffset, double EndOffset, IReadOnlyDictionary<string, double> AveragePowerWatts, int Samples);

public sealed record TelemetrySeries(string Channel, string Unit, IReadOnlyList<double> Offsets, IReadOnlyList<double> Values);

/// <summary>Telemetry cut to the phase windows of one scenario (all repetitions summed).</summary>
public sealed record ScenarioTelemetry
{
    public IReadOnlyList<PhaseTelemetry> Phases { get; init; } = [];
    /// <summary>Warnings such as "GPU 0 throttled (power cap) during decode".</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public long? PeakHostRssBytes { get; init; }
    public long? PeakGpuMemoryBytes { get; init; }
    /// <summary>Host CPU and memory per phase (procfs), when that source worked.</summary>
    public IReadOnlyList<HostPhaseTelemetry> Host { get; init; } = [];
    /// <summary>What could not be measured and why, e.g. "GPU power and energy: not measured (nvml: ...)".</summary>
    public IReadOnlyList<string> NotMeasured { get; init; } = [];
    /// <summary>
    /// The process's peak RSS since it started, up to the end of the scenario: the larger of the
    /// kernel's VmHWM (updated lazily, it can miss a short peak) and every RSS sample taken.
    /// </summary>
    public long? ProcessPeakRssBytes { get; init; }
}

/// <summary>Host CPU and memory during one phase, all repetitions together (procfs).</summary>
public sealed record HostPhaseTelemetry
{
    public required Phase Phase { get; init; }
    public required double Seconds { get; init; }
    /// <summary>Whole machine, percent of all logical cores (time-weighted over the windows).</summary>
    public double? AverageSystemCpuPercent { get; init; }
    /// <summary>This process, percent of all logical cores.</summary>
    public double? AverageProcessCpuPercent { get; init; }
    /// <summary>Highest RSS sampled inside the windows.</summary>
    public long? PeakRssBytes { get; init; }
    public required int Samples { get; init; }
}

/// <summary>Energy and power of one phase (prefill or decode) for one energy source (e.g. "gpu0", "cpu-package").</summary>
public sealed record PhaseTelemetry
{
    public required Phase Phase { get; init; }
    public required string Source { get; init; }
    /// <summary>"counter" (energy counter delta) or "integrated" (trapezoid over power samples).</summary>
    public required string Method { get; init; }
    public required double Seconds { get; init; }
    public required double GrossJoules { get; init; }
    public double? NetJoules { get; init; }
    public double? JoulesPerToken { get; init; }
    public double? NetJoulesPerToken { get; init; }
    public double? AverageWatts { get; init; }
    public double? PeakWatts { get; init; }
    public double? AverageUtilization { get; init; }
    public double? AverageSmClockMhz { get; init; }
    public required int Samples { get; init; }
    public double? AverageMemoryUtilization { get; init; }
    public double? AverageMemClockMhz { get; init; }
    public double? PeakTemperatureC { get; init; }
    /// <summary>Phase windows (one per repetition) summed into this figure, and those the samples did not cover (left out).</summary>
    public int Windows { get; init; }
    public int WindowsNotCovered { get; init; }
    /// <summary>Tokens the per-token figures divide by: repetitions x B x P (prefill) or x B x (G - 1) (decode).</summary>
    public long? Tokens { get; init; }
}
