using System.Globalization;
using InferenceEconomics.Economics;

namespace InferenceEconomics.Cli;

/// <summary>
/// The pricing, workload and traffic options shared by `cost` and `run` (so `./run.sh --price-per-hour 2.49`
/// adds a cost section to the run's report).
/// </summary>
public static class CostOptions
{
    public const string HelpText = """
        Machine (one of):
          --gpu NAME[:provider]     a catalog GPU and its dated rent price (./run.sh rates gpus), e.g. h100-sxm:runpod
          --price-per-hour X        $/hour of the machine; per GPU when --gpus is given; overrides the catalog price
          --gpus N                  GPUs per machine (default 1): R = N x $/GPU-hour
          --capex X                 owned hardware: purchase price of the machine ($), with
            --life-years Y (default 4)  --pue P (default 1.58)  --kwh-price X (default 0.08)
            --other-per-hour X (default 0)  --watts W (used only when the run measured no power; labelled estimated)
        Workload (default chat):
          --workload NAME           chat | support-bot | rag | reasoning-agent | summarization (./run.sh rates workloads)
          --input-tokens N  --cached-input-tokens N  --output-tokens N  --reasoning-tokens N
          --cache-write-tokens N  --cache-ttl 5m|1h   custom tokens per request (override the profile's)
        Traffic (default: one machine 100% busy, labelled):
          --requests-per-day N      mean request rate   --peak-to-mean K (default 1): machines cover the peak
          --utilization U           instead of traffic: one machine busy this fraction of the time, in (0, 1]
        APIs:
          --vs MODEL,...            API models to compare (provider prefix optional); default:
                                    gpt-4o-mini, gpt-5-mini, claude-haiku-4-5, gemini-2.5-flash, deepseek-chat,
                                    together/Llama-3.1-8B-Turbo, claude-sonnet-4-5
          --batch-api               use batch prices (unknown where the card has none)
          --rates FILE              a rate-card file replacing the built-in cards (./run.sh rates import ...)
          --scenario ID             the scenario to price (default: see --slo)
        Speed users need:
          --slo BOUNDS              e.g. ttft_p90<=500ms,itl_p99<=50ms,per_user_tps>=20: price the cheapest measured
                                    scenario meeting every bound (ttft|itl|tpot|e2e[_pNN] <= ms/s/us; per_user_tps[_pNN] >=
                                    tok/s, = 1/TPOT). Without it the highest-capacity scenario is priced and the frontier
                                    table shows the price of every other speed.
        """;

    private static readonly string[] PricingOptions = ["--price-per-hour", "--gpu", "--capex"];
    private static readonly string[] OtherOptions =
    [
        "--gpus", "--life-years", "--pue", "--kwh-price", "--other-per-hour", "--watts", "--workload", "--input-tokens",
        "--cached-input-tokens", "--output-tokens", "--reasoning-tokens", "--cache-write-tokens", "--cache-ttl",
        "--requests-per-day", "--peak-to-mean", "--utilization", "--vs", "--batch-api", "--rates", "--scenario", "--slo",
    ];

    /// <summary>
    /// The option each CostRequest field is set by: the library reports settings errors by field
    /// ("Machine.PricePerHour"), the CLI says them with the flag the user typed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FlagOfField { get; } = new Dictionary<string, string>
    {
        ["Machine"] = "--gpu/--price-per-hour/--capex",
        ["Machine.PricePerHour"] = "--price-per-hour",
        ["Machine.Gpu"] = "--gpu",
        ["Machine.Gpus"] = "--gpus",
        ["Machine.Capex"] = "--capex",
        ["Machine.LifeYears"] = "--life-years",
        ["Machine.Pue"] = "--pue",
        ["Machine.KwhPrice"] = "--kwh-price",
        ["Machine.OtherPerHour"] = "--other-per-hour",
        ["Machine.Watts"] = "--watts",
        ["Workload"] = "--workload",
        ["Workload.InputTokens"] = "--input-tokens",
        ["Workload.CachedInputTokens"] = "--cached-input-tokens",
        ["Workload.OutputTokens"] = "--output-tokens",
        ["Workload.ReasoningTokens"] = "--reasoning-tokens",
        ["Workload.CacheWriteTokens"] = "--cache-write-tokens",
        ["RequestsPerDay"] = "--requests-per-day",
        ["PeakToMean"] = "--peak-to-mean",
        ["Utilization"] = "--utilization",
        ["Vs"] = "--vs",
        ["BatchApi"] = "--batch-api",
        ["ScenarioId"] = "--scenario",
        ["RatesFile"] = "--rates",
        [Slo.Field] = "--slo",
    };

    /// <summary>Runs library code, turning its settings errors into one line that names the flags (the first error decides the exit code).</summary>
    public static T Mapped<T>(Func<T> action)
    {
        try { return action(); }
        catch (ValidationException e) { throw ToCli(e); }
    }

    public static void Mapped(Action action) => Mapped(() => { action(); return 0; });

    public static InferenceEconomicsException ToCli(ValidationException e)
    {
        string Flag(string field) => FlagOfField.TryGetValue(field, out var f) ? f : field;
        var text = string.Join("; and ", e.Errors.Select(x => x.Describe(Flag(x.Field))));
        return new InferenceEconomicsException(e.Errors[0].Kind, text, e);
    }

    /// <summary>The cost request the options describe, or null when no machine price was given (then no other cost option is allowed).</summary>
    public static CostRequest? Parse(CliArgs args)
    {
        bool priced = PricingOptions.Any(args.Has);
        if (!priced)
        {
            var stray = OtherOptions.FirstOrDefault(o => args.Has(o));
            if (stray is not null)
                throw CliArgs.Usage($"{stray} is a cost option: price the machine too (--gpu NAME, --price-per-hour X or --capex X)");
            return null;
        }

        var machine = new MachinePricing
        {
            PricePerHour = Price(args, "--price-per-hour"),
            Gpu = args.String("--gpu"),
            Gpus = args.Int("--gpus", 1, 1024) ?? 1,
            Capex = Price(args, "--capex"),
            LifeYears = args.Double("--life-years", 0, 100, minExclusive: true),
            Pue = args.Double("--pue", 1, 10),
            KwhPrice = Price(args, "--kwh-price"),
            OtherPerHour = Price(args, "--other-per-hour") ?? 0,
            Watts = args.Double("--watts", 0, 1e7, minExclusive: true),
        };

        var utilization = args.Double("--utilization");
        if (utilization is { } u && !(u > 0 && u <= 1))
            throw CliArgs.Usage($"--utilization {u.ToString(CultureInfo.InvariantCulture)} is outside (0, 1]; give the busy fraction, e.g. 0.4 or 40%");
        var requestsPerDay = args.Double("--requests-per-day", 0, double.MaxValue, minExclusive: true);
        if (utilization is not null && requestsPerDay is not null)
            throw CliArgs.Usage("give either --requests-per-day or --utilization, not both");

        return new CostRequest
        {
            Machine = machine,
            Workload = Workload(args),
            RequestsPerDay = requestsPerDay,
            PeakToMean = args.Double("--peak-to-mean", 1, 1000) ?? 1,
            Utilization = utilization,
            Vs = args.StringList("--vs"),
            BatchApi = args.Flag("--batch-api"),
            ScenarioId = args.String("--scenario"),
            RatesFile = args.String("--rates"),
            Slo = args.String("--slo") is { } slo ? Mapped(() => Slo.Parse(slo)) : null,
        };
    }

    /// <summary>A named profile, a custom one from token flags, or both (flags override the profile); null: the analyzer's default.</summary>
    private static WorkloadSpec? Workload(CliArgs args)
    {
        var name = args.String("--workload");
        int? input = args.Int("--input-tokens", 1), cached = args.Int("--cached-input-tokens", 0), output = args.Int("--output-tokens", 0),
             reasoning = args.Int("--reasoning-tokens", 0), writes = args.Int("--cache-write-tokens", 0);
        var ttl = args.String("--cache-ttl");
        if (ttl is not null and not ("5m" or "1h")) throw CliArgs.Usage($"--cache-ttl '{ttl}' must be 5m or 1h");
        bool custom = input is not null || cached is not null || output is not null || reasoning is not null || writes is not null || ttl is not null;
        if (name is null && !custom) return null;

        WorkloadSpec spec;
        if (name is not null)
        {
            var profile = Workloads.Find(name);
            spec = profile.ToSpec();
            if (input is { } i && cached is null) spec = spec with { CachedInputTokens = (int)Math.Round(i * profile.CachedPrefixShare, MidpointRounding.AwayFromZero) };
            if (custom) spec = spec with { Name = $"{profile.Name} (modified)" };
        }
        else
        {
            if (input is null || (output is null && reasoning is null))
                throw CliArgs.Usage("a custom workload needs --input-tokens N and --output-tokens N (or name one with --workload)");
            spec = new WorkloadSpec("custom", 0, 0, 0, 0);
        }
        return spec with
        {
            InputTokens = input ?? spec.InputTokens,
            CachedInputTokens = cached ?? spec.CachedInputTokens,
            OutputTokens = output ?? spec.OutputTokens,
            ReasoningTokens = reasoning ?? spec.ReasoningTokens,
            CacheWriteTokens = writes ?? spec.CacheWriteTokens,
            CacheWriteOneHour = ttl == "1h",
        };
    }

    /// <summary>A dollar amount: non-numeric or negative is PriceInvalid (a leading '$' is allowed).</summary>
    private static double? Price(CliArgs args, string name)
    {
        var s = args.String(name);
        if (s is null) return null;
        var t = s.Trim().TrimStart('$');
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{name} '{s}' is not a price; give dollars as a number, e.g. 2.49");
        if (v < 0)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{name} {s} is negative; give a price in dollars that is not negative");
        return v;
    }
}
