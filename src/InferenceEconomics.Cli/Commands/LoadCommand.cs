using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;
using InferenceEconomics.Load;
using InferenceEconomics.Measurement;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>The settings of `load`: the load run's own (recorded in result.json as load_config), its price, where it writes.</summary>
internal sealed class LoadCommandSettings
{
    public LoadSettings Load { get; set; } = new();
    public MachinePricing Machine { get; set; } = new();
    public string? Results { get; set; }
    public bool Quiet { get; set; }
    public string? Store { get; set; }
    public bool NoStore { get; set; }
}

/// <summary>
/// `load`: measure an OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp, a hosted API, or this tool's
/// serve) under a closed or open loop, level by level, and price the deployment. A separate command rather than
/// `run --endpoint`: its options (levels, arrivals, timeouts, key) share nothing with a static-batch sweep's.
/// </summary>
internal sealed class LoadCommand : CliCommand<LoadCommandSettings>
{
    private const string Shape = "Load shape (every level stops at --requests or --duration, whichever comes first)";
    private const string Requests = "Requests";
    private const string Timeouts = "Timeouts (seconds)";
    private const string Machine = "Pricing the deployment ($/M tokens at each level and at SLO capacity)";

    public override string Name => "load";
    public override string Summary => "measure an OpenAI-compatible endpoint under load: TTFT/ITL/TPOT/E2EL, throughput, goodput, errors, $/M";
    public override string Usage => $"{EntryPoint.Name} load --endpoint URL [options]";
    public override string Description =>
        "Streams requests (SSE, stream_options.include_usage) to /v1/completions or /v1/chat/completions at each concurrency (closed loop) or\n" +
        "arrival rate (open loop, --rate). Each level is a scenario of result.json (kind \"load\"); writes report.md, report.html and scenarios.csv.\n" +
        "The API key is read from the variable --api-key-env names and is never written. Definitions: docs/metrics.md \"Serving under load\".";
    public override IReadOnlyList<string> Examples =>
    [
        $"{EntryPoint.Name} load --endpoint http://127.0.0.1:8000 --concurrency 1,2,4,8,16 --input-tokens 128 --output-tokens 64",
        $"{EntryPoint.Name} load --endpoint http://vllm.internal:8000 --rate 1,2,4,8 --arrival poisson --requests 200 --slo ttft<=500ms,tpot<=50ms --gpu h100-sxm --gpus 8",
        $"{EntryPoint.Name} load --endpoint https://api.openai.com --api chat --api-key-env OPENAI_API_KEY --served-model gpt-4o-mini --concurrency 1,4",
    ];

    public LoadCommand()
    {
        Option(s => s.Load.Endpoint, "--endpoint", "URL", "base URL of the OpenAI-compatible server (with or without /v1)");
        Option(s => s.Load.ApiKeyEnv, "--api-key-env", "NAME", "environment variable holding the API key (sent as a bearer token, never written)");
        Option(s => s.Load.ServedModel, "--served-model", "NAME", "the model name to request", defaultText: "the first model /v1/models lists");
        Option(s => s.Load.Api, "--api", "API", "completions (token-id prompts, exact lengths) or chat (text prompts, approximate lengths)");
        Option(s => s.Load.Concurrency, "--concurrency", "LIST", "closed-loop levels: N clients, each sends its next request when its previous one ends", group: Shape);
        Option(s => s.Load.Rates, "--rate", "LIST", "open-loop levels in requests/s (replace the concurrency levels)", group: Shape,
            defaultText: "none: closed loop");
        Option(s => s.Load.Arrival, "--arrival", "KIND", "open-loop gaps: poisson (seeded exponential) or constant", group: Shape);
        Option(s => s.Load.MaxConcurrency, "--max-concurrency", "N", "open loop: most requests in flight (later arrivals wait)", group: Shape, defaultText: "no cap");
        Option(s => s.Load.WarmupRequests, "--warmup", "N", "requests before each level, not measured", group: Shape);
        Option(s => s.Load.RequestsPerLevel, "--requests", "N", "measured requests per level", group: Shape);
        Option(s => s.Load.DurationSeconds, "--duration", "S", "seconds a level may send for (requests in flight then are awaited)", group: Shape);
        Option(s => s.Load.InputTokens, "--input-tokens", "N|MIN:MAX", "prompt tokens per request, fixed or uniform in a range", group: Requests);
        Option(s => s.Load.OutputTokens, "--output-tokens", "N|MIN:MAX", "output tokens per request, fixed or uniform in a range", group: Requests);
        Option(s => s.Load.Trace, "--trace", "FILE", "JSONL of {\"input\": N, \"output\": M} per request, taken in turn (replaces the lengths)", group: Requests);
        Option(s => s.Load.Seed, "--seed", "N", "seed of arrivals, lengths and prompts", group: Requests);
        Flag(s => s.Load.TokenIdPrompts, "--text-prompts", "send text prompts even where token-id prompts are accepted (lengths then approximate)", value: false, group: Requests);
        Flag(s => s.Load.ForceOutputLength, "--no-ignore-eos", "do not ask for ignore_eos/min_tokens (outputs may stop early)", value: false, group: Requests);
        Option(s => s.Load.Slo, "--slo", "BOUNDS", "goodput counts requests meeting every bound, e.g. ttft<=500ms,tpot<=50ms (each request's own values)", group: Requests);
        Option(s => s.Load.ConnectTimeoutSeconds, "--connect-timeout", "S", "to open a connection", group: Timeouts);
        Option(s => s.Load.FirstTokenTimeoutSeconds, "--first-token-timeout", "S", "from sending a request to its first token", group: Timeouts);
        Option(s => s.Load.IdleTimeoutSeconds, "--idle-timeout", "S", "longest silence between two chunks of a stream", group: Timeouts);
        Option(s => s.Load.RequestTimeoutSeconds, "--request-timeout", "S", "longest a whole request may take", group: Timeouts);
        Option(s => s.Machine.Gpu, "--gpu", "NAME[:provider]", $"a catalog GPU and its dated rent price ({EntryPoint.Name} rates gpus), e.g. h100-sxm", group: Machine);
        Option(s => s.Machine.Gpus, "--gpus", "N", "GPUs in the deployment: R = N x $/GPU-hour", group: Machine);
        Option(s => s.Machine.PricePerHour, "--price-per-hour", "X", "$/hour of the deployment; per GPU with --gpus; overrides the catalog price",
            (n, v) => (double?)ValueParsers.Price(n, v), Machine);
        Option(s => s.Results, "--results", "DIR", "where run folders go", defaultText: "results/ in the project");
        Flag(s => s.Quiet, "--quiet", "no progress display");
        Option(s => s.Store, "--store", "URL|PATH", "record the run in this results store when it ends", defaultText: "IE_STORE, else <results>/runs.db");
        Flag(s => s.NoStore, "--no-store", "do not record the run in a store (its folder is written as always)");
    }

    protected override int Execute(LoadCommandSettings s, CliContext ctx)
    {
        var settings = s.Load;
        if (settings.Endpoint.Length == 0) throw ValueParsers.Usage($"load needs --endpoint URL (the server's base URL, e.g. http://127.0.0.1:8000); see {EntryPoint.Name} load --help");
        LoadSettingsValidator.Validate(settings);
        if (settings.Trace is { } trace) LoadSettingsValidator.CheckTrace(trace);
        bool priced = s.Machine.Gpu is not null || s.Machine.PricePerHour is not null;
        if (priced) CostAnalyzer.Preflight(new CostRequest { Machine = s.Machine });
        string? key = null;
        if (settings.ApiKeyEnv is { } name)
        {
            key = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(key))
                throw ValueParsers.Usage($"--api-key-env {name}: the environment variable {name} is not set or empty; export it with the API key");
        }

        var plan = new LoadPlan { Settings = settings, ApiKey = key, ResultsDir = s.Results ?? ctx.Paths.ResultsDir };
        var outcome = ConsoleProgress.Run(ctx, s.Quiet, progress =>
            LoadOrchestrator.Execute(plan, ctx.Paths,
                progress is null ? null : new SyncProgress<LoadProgress>(p => progress.Report(new RunProgress(p.Stage, p.Levels > 0 ? (p.Level - 1) / (double)p.Levels : null, null))),
                ctx.Cancellation));
        var r = outcome.Result;
        var cost = priced && outcome.AnyLevelRan ? LoadCost.Price(r, s.Machine) : null;
        Exporters.WriteAll(new ReportContext(r, outcome.Folder) { LoadCost = cost });
        foreach (var line in NoteText.Console(Notes.OfRun(r))) ctx.Out.WriteLine(line);
        ctx.Out.Write(LoadMarkdown.Render(r, cost));
        ctx.Out.WriteLine();
        ctx.Out.WriteLine($"result: {Path.Combine(outcome.Folder, ResultStore.ResultFileName)}");
        if (!s.NoStore)
        {
            var (o, where) = RunRecorder.Record(r, StoreLocation.Resolve(s.Store, plan.ResultsDir));
            if (o.Status == PushStatus.Conflict)
                throw new InferenceEconomicsException(ErrorKind.StoreConflict, $"run {r.RunId} is already in {where} with other content; nothing was overwritten");
            ctx.Out.WriteLine($"stored: run {r.RunId} in {where}");
        }
        if (outcome.Interrupted)
        {
            ctx.Error.WriteLine($"interrupted: {r.Scenarios.Count(x => x.Status is ScenarioStatus.Ok or ScenarioStatus.Interrupted)} level(s) saved with their reports in {outcome.Folder}");
            return ctx.InterruptExitCode();
        }
        if (!outcome.AnyLevelRan)
            throw new InferenceEconomicsException(ErrorKind.NoScenarioRan,
                $"no level finished a request ({string.Join("; ", r.Scenarios.Select(x => $"{x.Id}: {x.FailureReason}").Take(2))}); check the server (result kept in {outcome.Folder})");
        return 0;
    }
}
