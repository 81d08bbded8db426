using System.Globalization;
using InferenceEconomics.Economics;
using InferenceEconomics.Metrics;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Load;

/// <summary>Everything a load run needs: its settings (recorded), the key (never recorded), where it writes.</summary>
public sealed record LoadPlan
{
    public LoadSettings Settings { get; init; } = new();
    /// <summary>The API key read from <see cref="LoadSettings.ApiKeyEnv"/>; sent as a bearer token, never written.</summary>
    public string? ApiKey { get; init; }
    public required string ResultsDir { get; init; }
}

/// <summary>Progress of a load run for the console.</summary>
public sealed record LoadProgress(string Stage, int Level, int Levels);

/// <summary>
/// A load run end to end: find the served model, probe which request form the server takes (token-id
/// prompts, forced output length), run every level, and keep result.json current after each level, so an
/// interrupted run keeps its finished levels. Each level is a scenario of kind "load".
/// </summary>
public static class LoadOrchestrator
{
    public sealed record Outcome(RunResult Result, string Folder, bool Interrupted)
    {
        public bool AnyLevelRan => Result.Scenarios.Any(s => s.Status == ScenarioStatus.Ok);
    }

    public static Outcome Execute(LoadPlan plan, ProjectPaths paths, IProgress<LoadProgress>? progress = null, CancellationToken ct = default) =>
        ExecuteAsync(plan, paths, progress, ct).GetAwaiter().GetResult();

    public static async Task<Outcome> ExecuteAsync(LoadPlan plan, ProjectPaths paths, IProgress<LoadProgress>? progress, CancellationToken ct)
    {
        var s = plan.Settings;
        LoadSettingsValidator.Validate(s);
        var slo = s.Slo is { } text ? Economics.Slo.Parse(text) : null;
        var prompts = new Prompts(s);
        var started = DateTimeOffset.UtcNow;
        string url = EndpointClient.Display(s.Endpoint);

        progress?.Report(new LoadProgress("asking the server for its models", 0, 0));
        string? info = null;
        IReadOnlyList<Note> serverNotes = [];
        string model;
        using (var probe = new EndpointClient(s, s.ServedModel ?? "", plan.ApiKey))
        {
            var listed = await probe.ModelsAsync(ct).ConfigureAwait(false);
            info = listed?.Info;
            serverNotes = listed?.ServerNotes ?? [];
            model = s.ServedModel ?? listed?.Ids.FirstOrDefault() ?? throw new InferenceEconomicsException(ErrorKind.NoScenarioRan,
                $"{url}/v1/models {(listed is null ? "did not answer with a model list" : "lists no model")}; check --endpoint, or name the model with --served-model");
        }
        using var client = new EndpointClient(s, model, plan.ApiKey);
        progress?.Report(new LoadProgress("probing the request form", 0, 0));
        var (form, formNotes) = await ProbeForm(client, s, prompts, url, ct).ConfigureAwait(false);

        var levels = s.OpenLoop
            ? s.Rates.Select(r => LevelSpec.Open(r, s.Arrival, s.MaxConcurrency)).ToList()
            : s.Concurrency.Select(LevelSpec.Closed).ToList();
        var notes = new List<Note> { Notes.EndpointModel(url, model) };
        notes.AddRange(formNotes);
        notes.AddRange(serverNotes);
        var environment = EnvironmentProbe.Collect();
        var folder = ResultStore.CreateUniqueRunFolder(plan.ResultsDir, ResultStore.RunFolderName(started, environment.Host, "endpoint-" + model));
        var result = new RunResult
        {
            RunId = Path.GetFileName(folder),
            StartedUtc = started,
            Status = RunStatus.Running,
            Tool = new ToolInfo("InferenceEconomics", ToolVersion.Version, GitInfo.Commit(paths.Root)),
            Config = new RunSettings
            {
                ModelSpec = "endpoint:" + model, EngineRequested = EngineKind.Endpoint, Telemetry = false, IdleBaselineSeconds = 0,
                BatchSizes = levels.Select(l => l.Concurrency ?? 1).ToList(),
                PromptTokens = [s.InputTokens.Min], GenTokens = [Math.Max(2, s.OutputTokens.Min)], WarmupRepetitions = s.WarmupRequests, Seed = s.Seed,
            },
            LoadConfig = s,
            Endpoint = new EndpointInfo { Url = url, ServedModel = model, Api = s.Api, TokenIdPrompts = form.TokenIds, ApiKeyEnv = plan.ApiKey is null ? null : s.ApiKeyEnv, ServerInfo = info },
            Environment = environment,
            Model = new ModelInfo
            {
                Name = model, Path = url, Synthetic = false, ModelType = "endpoint", Precision = WeightPrecision.Fp32, IoDType = IoDType.Float32,
                Attention = AttentionKind.GroupQuery, Layers = 0, HiddenSize = 0, Heads = 0, KvHeads = 0, HeadSize = 0, VocabSize = 0, ContextLength = 0,
            },
            Engine = new EngineInfo(EngineKind.Endpoint, ToolVersion.Version, "openai-compatible http (" + Words.Of(s.Api) + ")", Device.Cpu),
            Scenarios = [],
            Notes = notes,
            Labels = notes.Select(n => n.Text).ToList(),
        };
        ResultStore.Save(result, folder);

        var runner = new LoadRunner(client, form, s, prompts, slo);
        var done = new List<ScenarioResult>();
        bool interrupted = false;
        for (int i = 0; i < levels.Count; i++)
        {
            if (ct.IsCancellationRequested) { interrupted = true; break; }
            progress?.Report(new LoadProgress($"level {levels[i].Id}", i + 1, levels.Count));
            var run = await runner.RunAsync(levels[i], i, ct).ConfigureAwait(false);
            var scenario = Scenario(levels[i], run.Level, s);
            done.Add(scenario);
            interrupted = run.Level.StoppedBy == "interrupted";
            result = result with { Scenarios = done.ToList(), Notes = Notes.Distinct(notes.Concat(LevelNotes(done))), };
            result = result with { Labels = result.Notes.Select(n => n.Text).ToList() };
            ResultStore.Save(result, folder);
            if (interrupted) break;
        }
        var notRun = levels.Skip(done.Count).Select(l => new ScenarioResult
        {
            Id = l.Id, Kind = ScenarioKind.Load, BatchSize = l.Concurrency ?? 1, PromptTokens = s.InputTokens.Min, GenTokens = s.OutputTokens.Min, Status = ScenarioStatus.NotRun,
        });
        var all = done.Concat(notRun).ToList();
        var status = interrupted ? RunStatus.Interrupted : all.All(x => x.Status == ScenarioStatus.Ok) ? RunStatus.Complete : RunStatus.Partial;
        result = result with { Scenarios = all, Status = status, FinishedUtc = DateTimeOffset.UtcNow };
        ResultStore.Save(result, folder);
        return new Outcome(result, folder, interrupted);
    }

    /// <summary>A level as a scenario: B is the concurrency (closed loop) or the peak in flight (open loop); P and G the smallest lengths asked.</summary>
    internal static ScenarioResult Scenario(LevelSpec spec, LoadLevel level, LoadSettings s)
    {
        int completed = level.Completed;
        var scenario = new ScenarioResult
        {
            Id = spec.Id,
            Kind = ScenarioKind.Load,
            BatchSize = spec.Shape == LoadShape.Closed ? spec.Concurrency ?? 1 : Math.Max(1, level.PeakInFlight),
            PromptTokens = level.Requests.Count > 0 ? level.Requests.Min(r => r.AskedInputTokens) : s.InputTokens.Min,
            GenTokens = level.Requests.Count > 0 ? level.Requests.Min(r => r.AskedOutputTokens) : s.OutputTokens.Min,
            Status = completed > 0 ? level.StoppedBy == "interrupted" ? ScenarioStatus.Interrupted : ScenarioStatus.Ok : ScenarioStatus.Failed,
            FailureReason = completed > 0 ? null : level.Requests.Count == 0 ? "no request was sent" : "every request failed: " + ErrorsText(level),
            WarmupRepetitions = level.WarmupRequests,
            Load = level,
        };
        return scenario with { Summary = MetricCatalog.Summarize(scenario) };
    }

    /// <summary>"3 http_429, 1 timeout_idle (4 of 20, 20%)".</summary>
    public static string ErrorsText(LoadLevel l) => l.Failed == 0 ? "none" :
        string.Join(", ", l.ErrorsByKind.Select(e => $"{e.Count} {Words.Of(e.Kind)}")) +
        $" ({l.Failed} of {l.Requests.Count}, {(100.0 * l.Failed / l.Requests.Count).ToString("0.#", CultureInfo.InvariantCulture)}%)";

    /// <summary>An open-loop level's p99 send lateness beyond this share of the mean gap between arrivals is said (the generator fell behind).</summary>
    public const double LateSendShare = 0.1;

    /// <summary>Notes the finished levels call for: failures, missing usage, token counts that differ from those asked.</summary>
    internal static IEnumerable<Note> LevelNotes(IReadOnlyList<ScenarioResult> levels)
    {
        var failed = levels.Where(l => l.Load is { Failed: > 0 }).Select(l => $"{l.Id}: {ErrorsText(l.Load!)}").ToList();
        if (failed.Count > 0) yield return Notes.RequestsFailed(string.Join("; ", failed));
        // An open loop whose sends left late did not offer the arrivals asked for: its level measured a gentler load.
        var late = levels.Where(l => l.Load is { RatePerSecond: > 0, SendLatenessP99Seconds: { } p99 } ld && p99 > LateSendShare / ld.RatePerSecond!.Value)
            .Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Id}: p99 {l.Load!.SendLatenessP99Seconds!.Value * 1000:0.#} ms late against a mean gap of {1000 / l.Load.RatePerSecond!.Value:0.#} ms")).ToList();
        if (late.Count > 0) yield return Notes.LoadGeneratorLate(LateSendShare, string.Join("; ", late));
        var ok = levels.Where(l => l.Load is not null).SelectMany(l => l.Load!.Requests).Where(r => r.Ok).ToList();
        int noUsage = ok.Count(r => r.OutputTokens is null);
        if (noUsage > 0) yield return Notes.NoUsage(noUsage);
        var inputOff = ok.Where(r => r.InputTokens is { } n && n != r.AskedInputTokens).ToList();
        var outputOff = ok.Where(r => r.OutputTokens is { } n && n != r.AskedOutputTokens).ToList();
        var parts = new List<string>();
        if (inputOff.Count > 0)
            parts.Add($"input in {inputOff.Count} of {ok.Count} requests (e.g. asked {inputOff[0].AskedInputTokens}, server counted {inputOff[0].InputTokens})");
        if (outputOff.Count > 0)
            parts.Add($"output in {outputOff.Count} of {ok.Count} requests (e.g. asked {outputOff[0].AskedOutputTokens}, server counted {outputOff[0].OutputTokens})");
        if (parts.Count > 0) yield return Notes.TokenCountMismatch(string.Join("; ", parts));
    }

    /// <summary>
    /// One small request per form, best first: token-id prompts with forced output, then without forcing, then
    /// text prompts. A 4xx moves to the next form; anything else (success, 429, 5xx, a refused connection) ends
    /// the probe. A refused or silent endpoint stops the run here with one line.
    /// </summary>
    private static async Task<(RequestForm, IReadOnlyList<Note>)> ProbeForm(EndpointClient client, LoadSettings s, Prompts prompts, string url, CancellationToken ct)
    {
        var probe = prompts.Make(0, s.Seed) with { OutputTokens = 2 };
        bool ids = s.Api == LoadApi.Completions && s.TokenIdPrompts;
        var forms = new List<RequestForm>();
        foreach (var tokenIds in ids ? new[] { true, false } : [false])
            foreach (var force in s.ForceOutputLength ? new[] { true, false } : [false])
                forms.Add(new RequestForm(s.Api, tokenIds, force));
        RequestOutcome? last = null;
        foreach (var form in forms)
        {
            last = await client.SendAsync(probe, form, ct).ConfigureAwait(false);
            if (last.Error is LoadErrorKind.Connect or LoadErrorKind.TimeoutConnect)
                throw new InferenceEconomicsException(ErrorKind.NoScenarioRan, $"{url} cannot be reached ({last.ErrorDetail}); check --endpoint and that the server is up");
            if (last.Error != LoadErrorKind.Http4xx) return (form, FormNotes(form, s));
        }
        // Every form refused with a 4xx: keep the first and let the levels count what the server says.
        return (forms[0], [.. FormNotes(forms[0], s), Notes.RequestsFailed($"the probe request was refused in every form ({last?.ErrorDetail})")]);
    }

    private static IReadOnlyList<Note> FormNotes(RequestForm form, LoadSettings s)
    {
        var list = new List<Note>();
        if (!form.TokenIds)
            list.Add(Notes.ApproximatePrompts(s.Api == LoadApi.Chat ? "chat messages are text" : s.TokenIdPrompts ? "the server refused token-id prompts" : "token-id prompts turned off"));
        if (!form.ForceOutput)
            list.Add(Notes.OutputNotForced(s.ForceOutputLength ? "the server refused ignore_eos/min_tokens" : "turned off"));
        return list;
    }
}
