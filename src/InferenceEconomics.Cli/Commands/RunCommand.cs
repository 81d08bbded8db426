using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;
using InferenceEconomics.Engines;
using InferenceEconomics.Measurement;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>The settings of `run`: the run's own (recorded in result.json), its price, where it writes.</summary>
internal sealed class RunCommandSettings : ICostSettings
{
    public RunSettings Run { get; set; } = new();
    public CostRequest Cost { get; set; } = new() { Machine = new() };
    public WorkloadFlags Workload { get; set; } = new();
    /// <summary>Where run folders go; null: the project's results/.</summary>
    public string? Results { get; set; }
    public bool Quiet { get; set; }
    /// <summary>The results store the run is recorded in; null: IE_STORE, else &lt;results&gt;/runs.db.</summary>
    public string? Store { get; set; }
    public bool NoStore { get; set; }
}

/// <summary>The main job: measure a model over a scenario matrix, write result.json and the reports.</summary>
internal sealed class RunCommand : CliCommand<RunCommandSettings>
{
    private const string Telemetry = "Telemetry (power, energy, utilization per phase; docs/telemetry.md)";

    public override string Name => "run";
    public override string Summary => "measure a model (default): prefill/decode throughput, latency, energy; writes result.json + reports";
    public override string Usage => $"{EntryPoint.Name} [run] [options]";
    public override string Description =>
        "Writes results/<utc-time>_<host>_<model>/result.json, report.md, report.html, scenarios.csv and charts/ (schema: results/README.md).\n" +
        "Every list option takes a comma list; the sweep is their cross product. A machine price adds the cost section to the reports.";
    public override IReadOnlyList<string> Examples =>
    [
        $"{EntryPoint.Name}                                   # synthetic tiny model on CPU, full report",
        $"{EntryPoint.Name} --model phi --batch 1,8 --prompt-tokens 128,512 --gen-tokens 128",
        $"{EntryPoint.Name} --model synthetic:phi-3-mini --precision int4 --batch 1 --prompt-tokens 128 --gen-tokens 16",
        $"{EntryPoint.Name} --model path/to/builder-output   # any folder made by onnxruntime-genai's model builder",
        $"{EntryPoint.Name} --price-per-hour 2.49 --workload chat --requests-per-day 50000",
    ];

    public RunCommand()
    {
        Option(s => s.Run.ModelSpec, "--model", "M", "a folder with genai_config.json, an alias from models/models.json (phi, ...), or synthetic:<preset>");
        Option(s => s.Run.Precision, "--precision", "P", "weights of a synthetic model", defaultText: "fp32 on CPU, fp16 on CUDA, or the alias variant's");
        Option(s => s.Run.EngineRequested, "--engine", "E", "engine (auto: GenAI on CPU, ORT on CUDA)");
        Option(s => s.Run.Device, "--device", "D", "cpu, cuda or cuda:N (the entry script builds the GPU variant for cuda)");
        Option(s => s.Run.BatchSizes, "--batch", "LIST", "batch sizes B (a priced run without --batch sweeps the frontier's sizes, up to what memory holds)");
        Option(s => s.Run.PromptTokens, "--prompt-tokens", "LIST", "prompt lengths P");
        Option(s => s.Run.GenTokens, "--gen-tokens", "LIST", "generated tokens G per sequence, at least 2");
        Option(s => s.Run.WarmupRepetitions, "--warmup", "N", "warm-up repetitions per scenario, discarded");
        Option(s => s.Run.MinRepetitions, "--min-reps", "N", "at least N measured repetitions");
        Option(s => s.Run.MaxRepetitions, "--max-reps", "N", "at most N measured repetitions");
        Option(s => s.Run.TimeBudgetSeconds, "--time-budget", "S", "seconds of measured repetitions per scenario");
        Option(s => s.Run.CiTarget, "--ci-target", "PCT", "stop when the 95% CI of the median of prefill and decode t/s is within ±PCT",
            show: v => ValueParsers.Show(v * 100) + "%");
        Option(s => s.Run.Seed, "--seed", "N", "seed of the random prompt token ids");
        Option(s => s.Run.IntraOpThreads, "--threads", "N", "ONNX Runtime intra-op threads",
            defaultText: $"half the logical cores, 1..16 ({EngineOptions.DefaultIntraOpThreads} here)");
        Flag(s => s.Run.CudaGraph, "--cuda-graph", "capture the decode step in a CUDA graph (ort engine on CUDA)");
        Option(s => s.Run.CooldownSeconds, "--cooldown", "S", "idle seconds between scenarios, so a GPU settles before the next one");
        Option(s => s.Run.MaxScenarios, "--max-scenarios", "N", "the largest sweep accepted (a guard against a typo in a list)");
        Option(s => s.Results, "--results", "DIR", "where run folders go", defaultText: "results/ in the project");
        Flag(s => s.Quiet, "--quiet", "no progress display");
        Option(s => s.Store, "--store", "URL|PATH", "record the run in this results store when it ends: postgres://user:password@host:port/db or a SQLite file",
            defaultText: "IE_STORE, else <results>/runs.db");
        Flag(s => s.NoStore, "--no-store", "do not record the run in a store (its folder is written as always)");
        Option(s => s.Run.TelemetrySampleMs, "--sample-ms", "N", "telemetry sampling period in ms (10 for short phases)", group: Telemetry);
        Option(s => s.Run.IdleBaselineSeconds, "--idle-seconds", "S", "idle power baseline before the sweep, seconds", group: Telemetry);
        FlagSets(s => s.Run.IdleBaselineSeconds, "--no-idle", "skip the idle baseline (energy is then gross only)", 0.0, group: Telemetry);
        Flag(s => s.Run.Telemetry, "--no-telemetry", "no power or utilization sampling at all", value: false, group: Telemetry);
        CostOptions.Declare(this);
    }

    protected override int Execute(RunCommandSettings s, CliContext ctx)
    {
        var settings = s.Run;
        // A price turns the run into a cost report too; names are checked now, not after the sweep.
        var cost = CostOptions.Request(s, ctx.Given);
        if (cost is not null) CostAnalyzer.Preflight(cost);
        // A priced run draws the interactivity frontier: without --batch it sweeps enough batch sizes for it,
        // the largest ones dropped where the KV cache would not fit in memory.
        bool frontierSweep = cost is not null && !ctx.Given.Keys.Any(p => p.Path == "Run." + nameof(RunSettings.BatchSizes));
        if (frontierSweep) settings = settings with { BatchSizes = Frontier.DefaultBatchSizes };
        RunSettingsValidator.Validate(settings);
        EngineFactory.Preflight(EngineOptions.From(settings)); // engine, device and CUDA libraries before any work
        if (cost?.ScenarioId is { } wanted)
        {
            var ids = Scenario.Matrix(settings.BatchSizes, settings.PromptTokens, settings.GenTokens).Select(x => x.Id).ToList();
            if (!ids.Contains(wanted, StringComparer.OrdinalIgnoreCase))
                throw new InferenceEconomicsException(ErrorKind.UnknownName,
                    $"--scenario {wanted} is not in this sweep{Suggest.DidYouMean(wanted, ids)}; its scenarios: {string.Join(", ", ids)}");
        }

        var plan = new RunPlan { Settings = settings, ResultsDir = s.Results ?? ctx.Paths.ResultsDir, NativeLogs = ctx.Verbose, CapBatchSizesToMemory = frontierSweep };
        var outcome = ConsoleProgress.Run(ctx, s.Quiet, progress =>
            new RunOrchestrator(ctx.Paths, new EngineFactory()).Execute(plan, progress, ctx.Cancellation));

        var r = outcome.Result;
        CostComparison? comparison = null;
        InferenceEconomicsException? costError = null;
        try { comparison = cost is not null && outcome.AnyScenarioRan ? CostAnalyzer.Analyze(r, cost) : null; }
        catch (ValidationException e) { costError = new InferenceEconomicsException(e.Kind, CliMain.Describe(e, this), e); }
        catch (InferenceEconomicsException e) { costError = e; } // the measurement stands: write its reports, then say why it is unpriced
        var reports = Exporters.WriteAll(new ReportContext(r, outcome.Folder) { Cost = comparison });
        foreach (var line in NoteText.Console(Notes.OfRun(r))) ctx.Out.WriteLine(line);
        ctx.Out.Write(SummaryTable.Markdown(r));
        ctx.Out.WriteLine();
        ctx.Out.WriteLine($"result: {Path.Combine(outcome.Folder, ResultStore.ResultFileName)}");
        if (comparison is not null)
        {
            ctx.Out.WriteLine();
            ctx.Out.Write(CostMarkdown.Render(comparison));
        }
        // One line for the reports: top-level files by name, folders with their file count.
        var listed = reports.Select(f => Path.GetRelativePath(outcome.Folder, f)).GroupBy(f => f.Contains('/') ? f[..(f.IndexOf('/') + 1)] : f)
            .Select(g => g.Key.EndsWith('/') ? $"{g.Key} ({g.Count()} files)" : g.Key);
        ctx.Out.WriteLine($"reports: {string.Join(", ", listed)}");
        InferenceEconomicsException? storeError = null;
        if (!s.NoStore)
        {
            try
            {
                var (o, where) = RunRecorder.Record(r, StoreLocation.Resolve(s.Store, plan.ResultsDir));
                if (o.Status == PushStatus.Conflict)
                    storeError = new InferenceEconomicsException(ErrorKind.StoreConflict, $"run {r.RunId} is already in {where} with other content; nothing was overwritten (push --replace {outcome.Folder} stores this one)");
                else ctx.Out.WriteLine($"stored: run {r.RunId} in {where}");
            }
            catch (InferenceEconomicsException e) when (e.Kind == ErrorKind.StoreUnavailable) { storeError = e; }
        }

        if (storeError is not null)
            throw new InferenceEconomicsException(storeError.Kind, $"{storeError.Message} (the run itself is saved in {outcome.Folder}; record it later with {EntryPoint.Name} push)");

        if (costError is not null)
            throw new InferenceEconomicsException(costError.Kind, $"{costError.Message} (the run itself is saved with its reports in {outcome.Folder}; price it again with {EntryPoint.Name} cost)", costError);
        if (outcome.Interrupted)
        {
            ctx.Error.WriteLine(TerminalText.Clean($"interrupted: {r.Scenarios.Count(x => x.Status == ScenarioStatus.Ok)} finished scenario(s) saved with their reports in {outcome.Folder}"));
            return ctx.InterruptExitCode();
        }
        if (!outcome.AnyScenarioRan)
        {
            var reasons = r.Scenarios.Select(x => x.FailureReason).Distinct().Take(2);
            throw new InferenceEconomicsException(ErrorKind.NoScenarioRan,
                $"no scenario could run ({string.Join("; ", reasons)}); choose smaller --prompt-tokens/--gen-tokens/--batch (result kept in {outcome.Folder})");
        }
        return 0;
    }
}
