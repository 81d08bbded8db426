using InferenceEconomics.Metrics;
using System.Security.Cryptography;
using InferenceEconomics.Common;
using InferenceEconomics.Engines;
using InferenceEconomics.Models;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Measurement;

/// <summary>Everything one run needs: its settings (recorded in result.json) and where it writes.</summary>
public sealed record RunPlan
{
    public RunSettings Settings { get; init; } = new();
    /// <summary>Folder that receives the run folder (results/).</summary>
    public required string ResultsDir { get; init; }
    /// <summary>Measure the CPU's streaming-read bandwidth for the roofline (about a second; CPU runs only).</summary>
    public bool MeasureMemoryBandwidth { get; init; } = true;
    /// <summary>Drop batch sizes whose KV cache cannot fit in memory (the default frontier sweep of a priced run).</summary>
    public bool CapBatchSizesToMemory { get; init; }
    /// <summary>Where the telemetry sources read (tests point them at fake trees); null: the real system paths.</summary>
    public Func<TelemetryOptions, TelemetryOptions>? TelemetryOverrides { get; init; }

    /// <summary>Let ONNX Runtime and GenAI print their own log lines (the CLI's --verbose); not a setting of the measurement.</summary>
    public bool NativeLogs { get; init; }

    public EngineOptions Engine => EngineOptions.From(Settings) with { NativeLogs = NativeLogs };
    public ModelRequest ModelRequest => new() { Device = Settings.Device, Precision = Settings.Precision };

    public TelemetryOptions Telemetry
    {
        get
        {
            var t = new TelemetryOptions(Settings.TelemetrySampleMs, Settings.Telemetry, Settings.IdleBaselineSeconds);
            return TelemetryOverrides?.Invoke(t) ?? t;
        }
    }
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
        public bool AnyScenarioRan => Result.Scenarios.Any(s => s.Status == ScenarioStatus.Ok);
    }

    public Outcome Execute(RunPlan plan, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var started = DateTimeOffset.UtcNow;
        progress?.Report(new RunProgress("resolving model", null, null));
        var buildProgress = progress is null ? null : new SyncProgress<double>(f => progress.Report(new RunProgress("building synthetic model", f, null)));
        long t0 = RunClock.Now;
        var settings = plan.Settings;
        RunSettingsValidator.Validate(settings);
        var model = new ModelResolver(paths).Resolve(settings.ModelSpec, plan.ModelRequest, buildProgress, ct);
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
        if (plan.MeasureMemoryBandwidth && !settings.Device.IsCuda)
        {
            // The CPU roofline's bandwidth, measured before the idle baseline so the baseline stays idle.
            progress?.Report(new RunProgress("measuring memory bandwidth", null, null));
            var bw = MemoryBandwidthProbe.Measure();
            environment = environment with { MemoryBandwidthBytesPerSecond = bw.BytesPerSecond, MemoryBandwidthMethod = bw.Method };
        }
        var notes = Notes(model).ToList();
        if (plan.CapBatchSizesToMemory)
        {
            var (kept, capNote) = BatchSizeCap.Apply(settings.BatchSizes, model.Config, settings.PromptTokens.Max() + settings.GenTokens.Max(),
                model.Graph.Io == IoDType.Float16 ? 2 : 4, BatchSizeCap.FreeBytes(settings.Device, environment, ModelFileBytes(model.Directory)));
            settings = settings with { BatchSizes = kept };
            if (capNote is not null) notes.Add(Schema.Notes.BatchSizesCapped(capNote));
        }
        var scenarios = Scenario.Matrix(settings.BatchSizes, settings.PromptTokens, settings.GenTokens);
        var folder = ResultStore.CreateUniqueRunFolder(plan.ResultsDir, ResultStore.RunFolderName(started, environment.Host, model.DisplayName));
        var result = new RunResult
        {
            RunId = Path.GetFileName(folder),
            StartedUtc = started,
            Status = RunStatus.Running,
            Process = RunLiveness.Current(),
            Tool = new ToolInfo("InferenceEconomics", ToolVersion.Version, GitInfo.Commit(paths.Root)),
            Config = settings,
            Environment = environment,
            Model = DescribeModel(model),
            Engine = engine.Info,
            Scenarios = [],
            Notes = notes,
            Labels = notes.Select(n => n.Text).ToList(),
            Timings = timings,
        };

        // Idle power with the model loaded and nothing running: the "net of idle" baseline.
        if (plan.Telemetry.Enabled && plan.Telemetry.IdleBaselineSeconds > 0)
            progress?.Report(new RunProgress($"idle baseline ({plan.Telemetry.IdleBaselineSeconds:G} s)", null, null));
        telemetry.MeasureIdleBaseline(ct);

        var done = new List<ScenarioResult>();
        var runner = new SweepRunner(engine, model.Config, settings, clock);
        long sweepStart = RunClock.Now;
        var sweepProgress = progress is null ? null : new SyncProgress<SweepProgress>(s => progress.Report(new RunProgress("measuring", null, s)));
        // Every finished scenario is appended to the journal at once (an interrupted or killed sweep keeps it);
        // result.json is rewritten when the sweep has grown by a quarter since the last rewrite (and for the
        // first 16), so the bytes written stay linear in the number of scenarios.
        int savedCount = 0;
        var outcome = runner.Run(scenarios, s =>
        {
            var finished = s with { Telemetry = telemetry.Summarize(s) };
            done.Add(finished);
            ResultStore.AppendToJournal(folder, finished);
            if (ShouldRewrite(done.Count, savedCount))
            {
                ResultStore.Save(result with { Scenarios = done.ToList(), Telemetry = telemetry.Current() }, folder);
                savedCount = done.Count;
            }
        }, sweepProgress, ct);

        var status = outcome.Interrupted ? RunStatus.Interrupted
            : outcome.Scenarios.All(s => s.Status == ScenarioStatus.Ok) ? RunStatus.Complete : RunStatus.Partial;
        // Finished scenarios carry their telemetry; not-run ones come from the outcome as they are.
        var scenarioResults = outcome.Scenarios.Select(s => done.FirstOrDefault(d => d.Id == s.Id) ?? s).ToList();
        result = result with
        {
            Scenarios = scenarioResults, Status = status, FinishedUtc = DateTimeOffset.UtcNow, Telemetry = telemetry.Finish(),
            Timings = timings with { SweepSeconds = RunClock.Seconds(sweepStart, RunClock.Now) },
        };
        ResultStore.Save(result, folder);
        ResultStore.RemoveJournal(folder);
        return new Outcome(result, folder, outcome.Interrupted);
    }

    /// <summary>Rewrite result.json for each of the first 16 scenarios, then each time the sweep has grown by 25%: O(N) bytes in all.</summary>
    internal static bool ShouldRewrite(int finished, int lastSaved) => finished <= 16 || finished >= lastSaved + Math.Max(1, lastSaved / 4);

    /// <summary>
    /// A CPU model bigger than the memory available would be killed by the OS mid-load, with nothing
    /// recorded: refuse it up front, saying by how much it misses.
    /// </summary>
    internal static void CheckFitsInMemory(ResolvedModel model, Device device, long? availableBytes)
    {
        if (device.IsCuda) return;
        long weights = ModelFileBytes(model.Directory);
        if (availableBytes is long available && weights > available)
            throw new InferenceEconomicsException(ErrorKind.NoScenarioRan,
                $"the model's weights ({weights / (double)(1L << 30):F1} GiB) exceed the memory available here ({available / (double)(1L << 30):F1} GiB): no scenario can run; choose a smaller model or --precision int4, or a machine with more memory");
    }

    /// <summary>The honesty notes of a run on this model.</summary>
    public static IReadOnlyList<Note> Notes(ResolvedModel model) =>
        model.Synthetic ? [Schema.Notes.SyntheticWeights(model.SyntheticOf ?? model.DisplayName)] : [];

    /// <summary>
    /// The model as result.json records it: shape, precision and I/O type from the graph (which the config was
    /// checked against when the model was resolved), never from a folder name.
    /// </summary>
    public static ModelInfo DescribeModel(ResolvedModel m)
    {
        var c = m.Config;
        var g = m.Graph;
        return new ModelInfo
        {
            Name = m.DisplayName,
            Path = m.Directory,
            Synthetic = m.Synthetic,
            SyntheticOf = m.SyntheticOf,
            ModelType = c.ModelType,
            Precision = g.Precision,
            IoDType = g.Io,
            Attention = g.Attention,
            Layers = (int)g.Layers.Value,
            HiddenSize = (int)(g.HiddenSize?.Value ?? c.HiddenSize),
            Heads = (int)(g.Heads?.Value ?? c.NumAttentionHeads),
            KvHeads = (int)(g.KvHeads?.Value ?? c.NumKeyValueHeads),
            HeadSize = (int)(g.HeadSize?.Value ?? c.HeadSize),
            IntermediateSize = m.Shape?.IntermediateSize ?? (int?)g.IntermediateSize?.Value,
            VocabSize = (int)(g.VocabSize?.Value ?? c.VocabSize),
            ContextLength = c.ContextLength,
            ParameterCount = m.Shape?.ParameterCount ?? g.ParameterCount,
            WeightBytes = ModelFileBytes(m.Directory),
            OnnxSha256 = Sha256(Path.Combine(m.Directory, c.Filename)),
        };
    }

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
