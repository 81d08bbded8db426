using System.Security.Cryptography;
using InferenceEconomics.Common;
using InferenceEconomics.Engines;
using InferenceEconomics.Models;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Measurement;

/// <summary>Everything one run needs, decided by the CLI (or a test).</summary>
public sealed record RunPlan
{
    public required string ModelSpec { get; init; }
    public ModelRequest ModelRequest { get; init; } = new();
    public EngineOptions Engine { get; init; } = new();
    public required IReadOnlyList<int> BatchSizes { get; init; }
    public required IReadOnlyList<int> PromptTokens { get; init; }
    public required IReadOnlyList<int> GenTokens { get; init; }
    public MeasurementSettings Measurement { get; init; } = new();
    /// <summary>Power / utilization sampling (Telemetry/); Enabled = false for --no-telemetry.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();
    /// <summary>Measure the CPU's streaming-read bandwidth for the roofline (about a second; CPU runs only).</summary>
    public bool MeasureMemoryBandwidth { get; init; } = true;
    /// <summary>Folder that receives the run folder (results/).</summary>
    public required string ResultsDir { get; init; }
    /// <summary>Drop batch sizes whose KV cache cannot fit in memory (the default frontier sweep of a priced run).</summary>
    public bool CapBatchSizesToMemory { get; init; }
}

/// <summary>Coarse stages of a run, for the console.</summary>
public sealed record RunProgress(string Stage, double? Fraction, SweepProgress? Sweep);

/// <summary>
/// One run end to end: resolve the model, load the engine, sweep the scenario matrix, and keep
/// result.json current after every scenario (atomic writes), so nothing finished is ever lost.
/// Data flows one way: Models -> Engines -> Measurement -> Results -> Reporting.
/// </summary>
public sealed class RunOrchestrator(ProjectPaths paths, IEngineFactory engines)
{
    public sealed record Outcome(RunResult Result, string Folder, bool Interrupted)
    {
        public bool AnyScenarioRan => Result.Scenarios.Any(s => s.Status == "ok");
    }

    public Outcome Execute(RunPlan plan, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var started = DateTimeOffset.UtcNow;
        progress?.Report(new RunProgress("resolving model", null, null));
        var buildProgress = progress is null ? null : new SyncProgress<double>(f => progress.Report(new RunProgress("building synthetic model", f, null)));
        long t0 = RunClock.Now;
        var model = new ModelResolver(paths).Resolve(plan.ModelSpec, plan.ModelRequest, buildProgress, ct);
        double resolveSeconds = RunClock.Seconds(t0, RunClock.Now);

        CheckFitsInMemory(model, plan.Engine.Device, EnvironmentProbe.AvailableMemoryBytes());
        progress?.Report(new RunProgress("loading model", null, null));
        t0 = RunClock.Now;
        using var engine = engines.Create(model, plan.Engine);
        var timings = new RunTimings(resolveSeconds, model.GeneratedNow, RunClock.Seconds(t0, RunClock.Now), null);

        var clock = RunClock.StartNew();
        // One sampler thread on the run's clock; the measured loop never calls it.
        using var telemetry = TelemetryRecorder.Start(plan.Telemetry, clock);
        var environment = EnvironmentProbe.Collect(plan.Telemetry.Enabled ? telemetry.Gpus : null);
        if (plan.MeasureMemoryBandwidth && !plan.Engine.Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
        {
            // The CPU roofline's bandwidth, measured before the idle baseline so the baseline stays idle.
            progress?.Report(new RunProgress("measuring memory bandwidth", null, null));
            var bw = MemoryBandwidthProbe.Measure();
            environment = environment with { MemoryBandwidthBytesPerSecond = bw.BytesPerSecond, MemoryBandwidthMethod = bw.Method };
        }
        var batchSizes = plan.BatchSizes;
        string? capNote = null;
        if (plan.CapBatchSizesToMemory)
            (batchSizes, capNote) = BatchSizeCap.Apply(plan.BatchSizes, model.Config, plan.PromptTokens.Max() + plan.GenTokens.Max(),
                HalfPrecisionIo(model) ? 2 : 4, BatchSizeCap.FreeBytes(plan.Engine.Device, environment, ModelFileBytes(model.Directory)));
        var scenarios = Scenario.Matrix(batchSizes, plan.PromptTokens, plan.GenTokens);
        var folder = ResultStore.CreateUniqueRunFolder(plan.ResultsDir, ResultStore.RunFolderName(started, environment.Host, model.DisplayName));
        var config = new RunConfig
        {
            ModelSpec = plan.ModelSpec,
            EngineRequested = plan.Engine.Engine,
            Device = plan.Engine.Device,
            BatchSizes = batchSizes,
            PromptTokens = plan.PromptTokens,
            GenTokens = plan.GenTokens,
            WarmupRepetitions = plan.Measurement.WarmupRepetitions,
            MinRepetitions = plan.Measurement.MinRepetitions,
            MaxRepetitions = plan.Measurement.MaxRepetitions,
            TimeBudgetSeconds = plan.Measurement.TimeBudgetSeconds,
            CiTarget = plan.Measurement.CiTarget,
            Seed = plan.Measurement.Seed,
            IntraOpThreads = plan.Engine.IntraOpThreads,
            TelemetrySampleMs = plan.Telemetry.Enabled ? plan.Telemetry.SampleMs : null,
            IdleBaselineSeconds = plan.Telemetry.Enabled ? plan.Telemetry.IdleBaselineSeconds : null,
        };
        var result = new RunResult
        {
            RunId = Path.GetFileName(folder),
            StartedUtc = started,
            Status = "running",
            Tool = new ToolInfo("InferenceEconomics", ToolVersion.Version, GitInfo.Commit(paths.Root)),
            Config = config,
            Environment = environment,
            Model = DescribeModel(model),
            Engine = engine.Info,
            Scenarios = [],
            Labels = capNote is null ? Labels(model) : [.. Labels(model), capNote],
            Timings = timings,
        };

        // Idle power with the model loaded and nothing running: the "net of idle" baseline.
        if (plan.Telemetry.Enabled && plan.Telemetry.IdleBaselineSeconds > 0)
            progress?.Report(new RunProgress($"idle baseline ({plan.Telemetry.IdleBaselineSeconds:G} s)", null, null));
        telemetry.MeasureIdleBaseline(ct);

        var done = new List<ScenarioResult>();
        var runner = new SweepRunner(engine, model.Config, plan.Measurement, clock);
        long sweepStart = RunClock.Now;
        var sweepProgress = progress is null ? null : new SyncProgress<SweepProgress>(s => progress.Report(new RunProgress("measuring", null, s)));
        // Keep result.json current after each scenario: an interrupted sweep keeps every finished scenario.
        var outcome = runner.Run(scenarios, s =>
        {
            done.Add(s with { Telemetry = telemetry.Summarize(s) });
            ResultStore.Save(result with { Scenarios = done.ToList(), Telemetry = telemetry.Current() }, folder);
        }, sweepProgress, ct);

        var status = outcome.Interrupted ? "interrupted" : outcome.Scenarios.All(s => s.Status == "ok") ? "complete" : "partial";
        // Finished scenarios carry their telemetry; not-run ones come from the outcome as they are.
        var scenarioResults = outcome.Scenarios.Select(s => done.FirstOrDefault(d => d.Id == s.Id) ?? s).ToList();
        result = result with
        {
            Scenarios = scenarioResults, Status = status, FinishedUtc = DateTimeOffset.UtcNow, Telemetry = telemetry.Finish(),
            Timings = timings with { SweepSeconds = RunClock.Seconds(sweepStart, RunClock.Now) },
        };
        ResultStore.Save(result, folder);
        return new Outcome(result, folder, outcome.Interrupted);
    }

    /// <summary>
    /// A CPU model bigger than the memory available would be killed by the OS mid-load, with nothing
    /// recorded: refuse it up front, saying by how much it misses.
    /// </summary>
    internal static void CheckFitsInMemory(ResolvedModel model, string device, long? availableBytes)
    {
        if (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)) return;
        long weights = ModelFileBytes(model.Directory);
        if (availableBytes is long available && weights > available)
            throw new InferenceEconomicsException(ErrorKind.NoScenarioRan,
                $"the model's weights ({weights / (double)(1L << 30):F1} GiB) exceed the memory available here ({available / (double)(1L << 30):F1} GiB): no scenario can run; choose a smaller model or --precision int4, or a machine with more memory");
    }

    /// <summary>Writes every report format beside result.json.</summary>
    public static IReadOnlyList<string> WriteReports(ReportContext context, IEnumerable<IReportExporter>? exporters = null) =>
        (exporters ?? Exporters.Default).SelectMany(e => e.Export(context)).ToList();

    public static IReadOnlyList<string> Labels(ResolvedModel model)
    {
        var labels = new List<string>();
        if (model.Synthetic)
            labels.Add($"synthetic weights, same shape as {model.SyntheticOf ?? model.DisplayName}: throughput is real, generated text is meaningless");
        return labels;
    }

    public static ModelInfo DescribeModel(ResolvedModel m)
    {
        var c = m.Config;
        return new ModelInfo
        {
            Name = m.DisplayName,
            Path = m.Directory,
            Synthetic = m.Synthetic,
            SyntheticOf = m.SyntheticOf,
            ModelType = c.ModelType,
            Precision = m.Precision.ToString().ToLowerInvariant(),
            IoDType = HalfPrecisionIo(m) ? "float16" : "float32",
            Attention = c.PositionIdsName is null ? "group_query" : "multi_head+position_ids",
            Layers = c.NumHiddenLayers,
            HiddenSize = c.HiddenSize,
            Heads = c.NumAttentionHeads,
            KvHeads = c.NumKeyValueHeads,
            HeadSize = c.HeadSize,
            IntermediateSize = m.Shape?.IntermediateSize,
            VocabSize = c.VocabSize,
            ContextLength = c.ContextLength,
            ParameterCount = m.Shape?.ParameterCount,
            WeightBytes = ModelFileBytes(m.Directory),
            OnnxSha256 = Sha256(Path.Combine(m.Directory, c.Filename)),
        };
    }

    private static bool HalfPrecisionIo(ResolvedModel m) =>
        m.Precision == WeightPrecision.Fp16 || m.Config.Providers.Any(p => p.Contains("cuda", StringComparison.OrdinalIgnoreCase));

    /// <summary>Bytes of the ONNX graph and external data files: what loading (and, roughly, each decode step) reads.</summary>
    private static long ModelFileBytes(string dir) =>
        Directory.GetFiles(dir).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".data", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);

    private static string? Sha256(string path)
    {
        if (!File.Exists(path)) return null;
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
