using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;

namespace InferenceEconomics.Cli;

/// <summary>Workload flags as typed: a profile name and token counts that override it (null: not given).</summary>
internal sealed class WorkloadFlags
{
    public string? Name { get; set; }
    public int? InputTokens { get; set; }
    public int? CachedInputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public int? ReasoningTokens { get; set; }
    public int? CacheWriteTokens { get; set; }
    public string? CacheTtl { get; set; }

    public bool Any => Name is not null || InputTokens is not null || CachedInputTokens is not null || OutputTokens is not null
                       || ReasoningTokens is not null || CacheWriteTokens is not null || CacheTtl is not null;
}

/// <summary>A command's settings that take the pricing, workload and traffic options.</summary>
internal interface ICostSettings
{
    /// <summary>Bound directly to the library's cost request: its initialisers are the defaults.</summary>
    CostRequest Cost { get; }
    WorkloadFlags Workload { get; }
}

/// <summary>
/// The pricing, workload and traffic options shared by `cost`, `run` and `report`, declared once here
/// (so `./run.sh --price-per-hour 2.49` adds a cost section to the run's report).
/// </summary>
internal static class CostOptions
{
    private const string Machine = "Machine (one of --gpu, --price-per-hour, --capex)";
    private const string WorkloadGroup = "Workload";
    private const string Traffic = "Traffic (default: one machine 100% busy, labelled)";
    private const string Apis = "APIs";
    private const string Speed = "Speed users need";

    public static void Declare<T>(CliCommand<T> c) where T : class, ICostSettings, new()
    {
        c.Option(s => s.Cost.Machine.Gpu, "--gpu", "NAME[:provider]", $"a catalog GPU and its dated rent price ({EntryPoint.Name} rates gpus), e.g. h100-sxm:runpod", group: Machine);
        c.Option(s => s.Cost.Machine.PricePerHour, "--price-per-hour", "X", "$/hour of the machine; per GPU with --gpus; overrides the catalog price", Price, Machine);
        c.Option(s => s.Cost.Machine.Gpus, "--gpus", "N", "GPUs per machine: R = N x $/GPU-hour", group: Machine);
        c.Option(s => s.Cost.Machine.Capex, "--capex", "X", "owned hardware: purchase price of the machine ($)", Price, Machine);
        c.Option(s => s.Cost.Machine.LifeYears, "--life-years", "Y", "owned: years the hardware is paid off over", group: Machine,
            defaultText: ValueParsers.Show(MachinePricing.DefaultLifeYears));
        c.Option(s => s.Cost.Machine.Pue, "--pue", "P", "owned: facility power / IT power", group: Machine, defaultText: ValueParsers.Show(MachinePricing.DefaultPue));
        c.Option(s => s.Cost.Machine.KwhPrice, "--kwh-price", "X", "owned: $ per kWh", Price, Machine, defaultText: ValueParsers.Show(MachinePricing.DefaultKwhPrice));
        c.Option(s => s.Cost.Machine.OtherPerHour, "--other-per-hour", "X", "owned: other $/hour (space, staff)", Price, Machine);
        c.Option(s => s.Cost.Machine.Watts, "--watts", "W", "average machine power, used only when the run measured none (labelled estimated)", group: Machine);

        c.Option(s => s.Workload.Name, "--workload", "NAME|FILE", $"a built-in workload ({EntryPoint.Name} rates workloads: {string.Join(", ", Workloads.All.Select(w => w.Name))}) or a workload file (docs/workloads.md; FILE#NAME picks one of several)",
            group: WorkloadGroup, defaultText: CostAnalyzer.DefaultWorkload);
        c.Option(s => s.Workload.InputTokens, "--input-tokens", "N", "input tokens per request (overrides the profile's)", group: WorkloadGroup);
        c.Option(s => s.Workload.CachedInputTokens, "--cached-input-tokens", "N", "of which a cached prefix", group: WorkloadGroup);
        c.Option(s => s.Workload.OutputTokens, "--output-tokens", "N", "output tokens per request", group: WorkloadGroup);
        c.Option(s => s.Workload.ReasoningTokens, "--reasoning-tokens", "N", "hidden reasoning tokens per request", group: WorkloadGroup);
        c.Option(s => s.Workload.CacheWriteTokens, "--cache-write-tokens", "N", "prompt tokens written to the API's cache per request", group: WorkloadGroup);
        c.Option(s => s.Workload.CacheTtl, "--cache-ttl", "TTL", "cache lifetime of the writes", group: WorkloadGroup, choices: ["5m", "1h"], defaultText: "5m");

        c.Option(s => s.Cost.RequestsPerDay, "--requests-per-day", "N", "mean request rate", group: Traffic);
        c.Option(s => s.Cost.PeakToMean, "--peak-to-mean", "K", "peak rate / mean rate: machines cover the peak", group: Traffic);
        c.Option(s => s.Cost.Utilization, "--utilization", "U", "instead of traffic: one machine busy this fraction of the time, in (0, 1]", group: Traffic);

        c.Option(s => s.Cost.Vs, "--vs", "MODEL,...", "API models to compare (provider prefix optional)", group: Apis,
            defaultText: string.Join(",", CostAnalyzer.DefaultVs));
        c.Flag(s => s.Cost.BatchApi, "--batch-api", "use batch prices (unknown where the card has none)", group: Apis);
        c.Option(s => s.Cost.RatesFile, "--rates", "FILE", $"a rate-card file replacing the built-in cards ({EntryPoint.Name} rates import ...)", group: Apis);
        c.Option(s => s.Cost.ScenarioId, "--scenario", "ID", "the scenario to price", group: Apis, defaultText: "see --slo");
        c.Option(s => s.Cost.Slo, "--slo", "BOUNDS",
            "e.g. ttft_p90<=500ms,itl_p99<=50ms,per_user_tps>=20: price the cheapest measured scenario meeting every bound " +
            "(ttft|itl|tpot|e2e[_pNN] <= ms/s/us; per_user_tps[_pNN] >= tok/s = 1/TPOT)", (_, t) => Slo.Parse(t), group: Speed,
            defaultText: "none: the highest-capacity scenario is priced and the frontier shows every other speed");
    }

    private static double? Price(string name, string s) => ValueParsers.Price(name, s);

    /// <summary>
    /// The cost request the options describe, or null when no machine price was given — then no other cost
    /// option may be given either (it would be silently ignored).
    /// </summary>
    /// <param name="workloadAlone">`run`: --workload also chooses the sweep's lengths, so it may come without a price.</param>
    public static CostRequest? Request<T>(T settings, IReadOnlyDictionary<CliParameter, IReadOnlyList<string>> given, bool workloadAlone = false) where T : ICostSettings
    {
        var m = settings.Cost.Machine;
        bool priced = m.PricePerHour is not null || m.Gpu is not null || m.Capex is not null;
        if (!priced)
        {
            var stray = given.Keys.FirstOrDefault(p => (p.Path.StartsWith("Cost.", StringComparison.Ordinal) || p.Path.StartsWith("Workload.", StringComparison.Ordinal))
                                                       && !(workloadAlone && p.Path == "Workload." + nameof(WorkloadFlags.Name)));
            if (stray is not null)
                throw ValueParsers.Usage($"{stray.Name} is a cost option: price the machine too (--gpu NAME, --price-per-hour X or --capex X)");
            return null;
        }
        var definition = settings.Workload.Name is { } n ? Workloads.Resolve(n) : null;
        return settings.Cost with { Workload = Workload(settings.Workload, definition), Outcome = definition is { Kind: not "request" } ? definition : null };
    }

    /// <summary>A named profile, a custom one from token flags, or both (flags override the profile); null: the analyzer's default.</summary>
    private static WorkloadSpec? Workload(WorkloadFlags f, WorkloadDefinition? profile)
    {
        if (!f.Any) return null;
        WorkloadSpec spec;
        if (profile is not null)
        {
            spec = profile.ToSpec();
            double share = profile.Request?.CachedPrefixShare ?? profile.Task?.CachedPrefixShare ?? 0;
            if (f.InputTokens is { } i && f.CachedInputTokens is null)
                spec = spec with { CachedInputTokens = WorkloadDefinitions.Cached(i, share) };
            if (f.InputTokens is not null || f.CachedInputTokens is not null || f.OutputTokens is not null || f.ReasoningTokens is not null
                || f.CacheWriteTokens is not null || f.CacheTtl is not null)
                spec = spec with { Name = $"{profile.Name} (modified)" };
        }
        else
        {
            if (f.InputTokens is null || (f.OutputTokens is null && f.ReasoningTokens is null))
                throw ValueParsers.Usage("a custom workload needs --input-tokens N and --output-tokens N (or name one with --workload)");
            spec = new WorkloadSpec("custom", 0, 0, 0, 0);
        }
        return spec with
        {
            InputTokens = f.InputTokens ?? spec.InputTokens,
            CachedInputTokens = f.CachedInputTokens ?? spec.CachedInputTokens,
            OutputTokens = f.OutputTokens ?? spec.OutputTokens,
            ReasoningTokens = f.ReasoningTokens ?? spec.ReasoningTokens,
            CacheWriteTokens = f.CacheWriteTokens ?? spec.CacheWriteTokens,
            CacheWriteOneHour = f.CacheTtl == "1h",
        };
    }
}
