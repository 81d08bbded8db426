using InferenceEconomics.Economics;
using InferenceEconomics.Engines;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

/// <summary>The main job: measure a model over a scenario matrix, write result.json and the reports.</summary>
public sealed class RunCommand : ICliCommand
{
    public const string DefaultModel = "synthetic:tiny";
    /// <summary>Batch sizes of an unpriced run; a priced one sweeps <see cref="Frontier.DefaultBatchSizes"/>.</summary>
    public static readonly IReadOnlyList<int> DefaultBatchSizes = [1, 8];

    public string Name => "run";
    public string Summary => "measure a model (default): prefill/decode throughput, latency, energy; writes result.json + reports";
    public IReadOnlyList<string> Examples =>
    [
        "./run.sh                                   # synthetic tiny model on CPU, full report",
        "./run.sh --model phi --batch 1,8 --prompt-tokens 128,512 --gen-tokens 128",
        "./run.sh --model synthetic:phi-3-mini --precision int4 --batch 1 --prompt-tokens 128 --gen-tokens 16",
        "./run.sh --model ../shared/models/tiny-random-LlamaForCausalLM-fp16",
        "./run.sh --price-per-hour 2.49 --workload chat --requests-per-day 50000",
        "./run.sh --model phi --price-per-hour 2.49 --slo ttft_p90<=500ms,per_user_tps>=20   # frontier sweep, priced at the SLO",
    ];

    public string Help => """
        Usage: ./run.sh [run] [options]
          --model M            folder with genai_config.json | alias from models/models.json (phi, ...) | synthetic:<preset>
                               (default synthetic:tiny; presets: ./run.sh models list)
          --precision P        fp32 | int4 | fp16 for synthetic models (default: fp32 on CPU, fp16 on CUDA, or the alias variant's)
          --engine E           auto | genai | ort (default auto: GenAI on CPU, ORT on CUDA)
          --device D           cpu | cuda | cuda:N (default cpu; cuda builds the GPU variant)
          --batch LIST         batch sizes, e.g. 1,8 (default 1,8; with a price 1,2,4,8,16,32 up to what memory holds)
          --prompt-tokens LIST prompt lengths P (default 128)
          --gen-tokens LIST    generated tokens G per sequence, >= 2 (default 32)
          --warmup N           warm-up repetitions per scenario, discarded (default 1)
          --min-reps N         at least N measured repetitions (default 3)
          --max-reps N         at most N measured repetitions (default 50)
          --time-budget S      seconds of measured repetitions per scenario (default 10)
          --ci-target PCT      stop when the 95% CI of the median is within ±PCT (default 2%)
          --seed N             seed of the random prompt ids (default 42)
          --threads N          ONNX Runtime intra-op threads (default: runtime's choice)
          --results DIR        where run folders go (default results/)
          --cuda-graph         capture the decode step in a CUDA graph (ort engine on --device cuda)
          --quiet              no progress bar
        Writes results/<utc-time>_<host>_<model>/result.json and report.md (schema: results/README.md).

        Telemetry (power, energy, utilization per phase; docs/telemetry.md):
        """ + "\n" + TelemetryCliOptions.Help.TrimEnd() + "\n\n" + """
        Pricing the run (adds the cost section to the report; same options as ./run.sh cost):
        """ + "\n" + CostOptions.HelpText;

    public int Run(CliArgs args, CliContext ctx)
    {
        var device = args.String("--device", "cpu");
        var precision = args.String("--precision") is { } p ? ModelResolver.ParsePrecision(p) : (WeightPrecision?)null;
        int seed = args.Int("--seed", 0) ?? 42;
        var plan = new RunPlan
        {
            ModelSpec = args.String("--model", DefaultModel),
            // --seed drives the prompt ids; synthetic weights keep the builder's default seed so that
            // runs and "models synth" share one cache entry per shape and precision.
            ModelRequest = new ModelRequest { Device = device, Precision = precision },
            Engine = new EngineOptions
            {
                Engine = args.String("--engine", "auto"),
                Device = device,
                IntraOpThreads = args.Int("--threads", 1, 1024),
                CudaGraph = args.Flag("--cuda-graph"),
            },
            BatchSizes = args.IntList("--batch", 1, 4096) ?? DefaultBatchSizes,
            PromptTokens = args.IntList("--prompt-tokens", 1) ?? [128],
            GenTokens = args.IntList("--gen-tokens", 2) ?? [32],
            Measurement = new MeasurementSettings
            {
                WarmupRepetitions = args.Int("--warmup", 0, 1000) ?? 1,
                MinRepetitions = args.Int("--min-reps", 1, 100000) ?? 3,
                MaxRepetitions = args.Int("--max-reps", 1, 100000) ?? 50,
                TimeBudgetSeconds = args.Double("--time-budget", 0, 86400) ?? 10,
                CiTarget = args.Double("--ci-target", 0, 1, minExclusive: true) ?? 0.02,
                Seed = seed,
            },
            ResultsDir = args.String("--results") ?? ctx.Paths.ResultsDir,
            Telemetry = TelemetryCliOptions.Read(args),
        };
        bool quiet = args.Flag("--quiet");
        // A price turns the run into a cost report too; names are checked now, not after the sweep.
        var cost = CostOptions.Parse(args);
        if (cost is not null) CostOptions.Mapped(() => CostAnalyzer.Preflight(cost));
        // A priced run draws the interactivity frontier: without --batch it sweeps enough batch sizes for it,
        // the largest ones dropped where the KV cache would not fit in memory.
        if (cost is not null && !args.Has("--batch"))
            plan = plan with { BatchSizes = Frontier.DefaultBatchSizes, CapBatchSizesToMemory = true };
        args.EnsureAllUsed(maxPositionals: 0);
        if (plan.Measurement.MaxRepetitions < plan.Measurement.MinRepetitions)
            throw CliArgs.Usage($"--max-reps {plan.Measurement.MaxRepetitions} is below --min-reps {plan.Measurement.MinRepetitions}");
        EngineFactory.Preflight(plan.Engine); // --engine/--device (and CUDA libraries) before any work
        if (cost?.ScenarioId is { } wanted)
        {
            var ids = Scenario.Matrix(plan.BatchSizes, plan.PromptTokens, plan.GenTokens).Select(s => s.Id).ToList();
            if (!ids.Contains(wanted, StringComparer.OrdinalIgnoreCase))
                throw new InferenceEconomicsException(ErrorKind.UnknownName,
                    $"--scenario {wanted} is not in this sweep{Common.Suggest.DidYouMean(wanted, ids)}; its scenarios: {string.Join(", ", ids)}");
        }

        var bar = new ProgressBar(ctx.Error, ctx.Interactive);
        RunOrchestrator.Outcome outcome;
        try
        {
            outcome = new RunOrchestrator(ctx.Paths, new EngineFactory()).Execute(plan, quiet ? null : bar, ctx.Cancellation);
        }
        finally { bar.Finish(); }

        var r = outcome.Result;
        CostComparison? comparison = null;
        InferenceEconomicsException? costError = null;
        try { comparison = cost is not null && outcome.AnyScenarioRan ? CostOptions.Mapped(() => CostAnalyzer.Analyze(r, cost)) : null; }
        catch (InferenceEconomicsException e) { costError = e; } // the measurement stands: write its reports, then say why it is unpriced
        var reports = RunOrchestrator.WriteReports(new ReportContext(r, outcome.Folder) { Cost = comparison });
        foreach (var l in r.Labels) ctx.Out.WriteLine($"NOTE: {l}");
        ctx.Out.Write(RunSummaryTable.Build(r));
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

        if (costError is not null)
            throw new InferenceEconomicsException(costError.Kind, $"{costError.Message} (the run itself is saved with its reports in {outcome.Folder}; price it again with ./run.sh cost)", costError);
        if (outcome.Interrupted)
        {
            ctx.Error.WriteLine($"interrupted: {r.Scenarios.Count(s => s.Status == "ok")} finished scenario(s) saved in {outcome.Folder}");
            return (int)ErrorKind.Interrupted;
        }
        if (!outcome.AnyScenarioRan)
        {
            var reasons = r.Scenarios.Select(s => s.FailureReason).Distinct().Take(2);
            throw new InferenceEconomicsException(ErrorKind.NoScenarioRan,
                $"no scenario could run ({string.Join("; ", reasons)}); choose smaller --prompt-tokens/--gen-tokens/--batch (result kept in {outcome.Folder})");
        }
        return 0;
    }
}
