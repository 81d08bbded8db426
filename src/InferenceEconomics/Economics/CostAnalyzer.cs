using InferenceEconomics.Hardware;
using InferenceEconomics.Metrics;
using System.Globalization;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>Turns a run's measured scenario into self-hosted cost and compares it with API rate cards (METRICS.md).</summary>
public static class CostAnalyzer
{
    /// <summary>Compared when --vs is absent: cheap, widely used APIs a small local model competes with, plus one frontier model.</summary>
    public static IReadOnlyList<string> DefaultVs { get; } =
        ["gpt-4o-mini", "gpt-5-mini", "claude-haiku-4-5", "gemini-2.5-flash", "deepseek-chat", "together/Llama-3.1-8B-Turbo", "claude-sonnet-4-5"];

    public const string DefaultWorkload = "chat";

    /// <summary>
    /// Checks everything a request names without a run (rate file, API models, GPU, workload), so
    /// `run --price-per-hour ...` fails before a long sweep rather than after it.
    /// </summary>
    public static void Preflight(CostRequest request)
    {
        var rates = RateCards.LoadOrBuiltIn(request.RatesFile);
        foreach (var name in request.Vs ?? []) rates.Find(name);
        if (request.Machine.Gpu is { } gpu) HardwareCatalog.BuiltIn().Find(gpu);
        if (request.Workload is { } w) ValidateWorkload(w);
        if (request.Machine.Owned && request.Machine.PricePerHour is not null)
            throw new InferenceEconomicsException(ErrorKind.Usage, "give either --capex (owned) or --price-per-hour (rented), not both");
        if (request.Machine.PricePerHour is 0)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, "--price-per-hour 0: a machine's time costs something; give its $/hour above 0");
    }

    public static CostComparison Analyze(RunResult run, CostRequest request) =>
        Analyze(run, request, RateCards.LoadOrBuiltIn(request.RatesFile), HardwareCatalog.BuiltIn());

    public static CostComparison Analyze(RunResult run, CostRequest request, RateCards rates, HardwareCatalog hardware)
    {
        var labels = new List<string>(run.Labels);
        if (run.Model.Synthetic && !labels.Any(l => l.Contains("synthetic", StringComparison.OrdinalIgnoreCase)))
            labels.Add($"synthetic weights{(run.Model.SyntheticOf is { } of ? $", same shape as {of}" : "")}: speed is real for this shape, outputs are not");

        var workload = request.Workload;
        if (workload is null)
        {
            workload = Workloads.Find(DefaultWorkload).ToSpec();
            labels.Add($"workload: {DefaultWorkload} (default; choose with --workload or --input-tokens/--output-tokens)");
        }
        ValidateWorkload(workload);

        var scenario = ChooseScenario(run, workload, request.ScenarioId, labels);
        double prefill = scenario.Median(MetricCatalog.PrefillTime), e2e = scenario.Median(MetricCatalog.E2e);
        if (!(prefill > 0) || !(e2e > prefill))
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid,
                $"scenario {scenario.Id} has impossible times (prefill {prefill} s, e2e {e2e} s); rerun the measurement");

        var energy = MeasuredEnergy.From(scenario);
        if (request.Machine.Gpu is { } gpuName) NoteHardwareMismatch(run, hardware.Find(gpuName).Gpu, labels);
        var (pricing, pue, kwh) = PriceMachine(request.Machine, hardware, energy, scenario, prefill, e2e, labels);
        double r = pricing.DollarsPerHour;
        if (!(r > 0))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"the machine costs ${r}/hour; give a price above 0 (--price-per-hour, --gpu or --capex)");

        // Traffic -> machines, utilization (METRICS.md "Traffic profile -> utilization"). Capacity is for the
        // workload's requests: measured when the scenario matches them, else scaled from its per-token times.
        double capacity = SelfHostedFormulas.CapacityPerHour(scenario.BatchSize, WorkloadBatchSeconds(scenario, workload, run.Model.ContextLength, labels));
        double peakToMean = request.PeakToMean;
        if (!(peakToMean >= 1)) throw new InferenceEconomicsException(ErrorKind.Usage, $"--peak-to-mean {peakToMean} must be 1 or more (peak rate / mean rate)");
        double requestsPerDay;
        int machines;
        double utilization;
        if (request.Utilization is { } u)
        {
            if (request.RequestsPerDay is not null)
                throw new InferenceEconomicsException(ErrorKind.Usage, "give either --requests-per-day or --utilization, not both");
            if (!(u > 0 && u <= 1)) throw new InferenceEconomicsException(ErrorKind.Usage, $"--utilization {u} is outside (0, 1]; give the busy fraction, e.g. 0.4");
            machines = 1; utilization = u; peakToMean = 1;
            requestsPerDay = u * capacity * SelfHostedFormulas.HoursPerDay;
        }
        else if (request.RequestsPerDay is { } rpd)
        {
            if (!(rpd > 0)) throw new InferenceEconomicsException(ErrorKind.Usage, $"--requests-per-day {rpd} must be above 0");
            requestsPerDay = rpd;
            double mean = rpd / SelfHostedFormulas.HoursPerDay;
            machines = SelfHostedFormulas.Machines(mean * peakToMean, capacity);
            utilization = SelfHostedFormulas.Utilization(mean, machines, capacity);
        }
        else
        {
            machines = 1; utilization = 1; peakToMean = 1;
            requestsPerDay = capacity * SelfHostedFormulas.HoursPerDay;
            labels.Add("no traffic given: one machine assumed 100% busy (best case); give --requests-per-day for a true cost");
        }

        double monthly = SelfHostedFormulas.MonthlyCost(machines, r);
        double perMonth = SelfHostedFormulas.RequestsPerMonth(requestsPerDay);
        double inputPerM = SelfHostedFormulas.InputCostPerM(r, prefill, scenario.BatchSize, scenario.PromptTokens);
        double outputPerM = SelfHostedFormulas.OutputCostPerM(r, e2e, prefill, scenario.BatchSize, scenario.GenTokens);

        double? energyOutPerM = null, energyInPerM = null;
        if (kwh is { } price)
        {
            var (inJ, outJ) = JoulesPerToken(energy, pricing, scenario, prefill, e2e, scenario.Median(MetricCatalog.Ttft));
            if (outJ is { } oj) energyOutPerM = SelfHostedFormulas.EnergyCostPerToken(oj, pue, price) * 1e6;
            if (inJ is { } ij) energyInPerM = SelfHostedFormulas.EnergyCostPerToken(ij, pue, price) * 1e6;
        }

        var selfHosted = new SelfHostedCost
        {
            InputCostPerMTokensFullUse = inputPerM,
            OutputCostPerMTokensFullUse = outputPerM,
            InputCostPerMTokensAtUtilization = SelfHostedFormulas.AtUtilization(inputPerM, utilization),
            OutputCostPerMTokensAtUtilization = SelfHostedFormulas.AtUtilization(outputPerM, utilization),
            CapacityRequestsPerHour = capacity,
            Machines = machines,
            Utilization = utilization,
            MonthlyCost = monthly,
            RequestsPerMonth = perMonth,
            CostPerRequest = monthly / perMonth,
            CostPerRequestFullUse = r / capacity,
            EnergyCostPerMOutputTokens = energyOutPerM,
            EnergyCostPerMInputTokens = energyInPerM,
        };

        var apiLines = ApiLines(request, rates, workload, selfHosted, r, peakToMean, labels);
        labels.Add("self-hosted side pays for every input token (no prefix cache modelled); API side uses cached-input prices where the card has them");

        return new CostComparison
        {
            ScenarioId = scenario.Id,
            BatchSize = scenario.BatchSize,
            PromptTokens = scenario.PromptTokens,
            GenTokens = scenario.GenTokens,
            Workload = workload,
            RequestsPerDay = requestsPerDay,
            PeakToMean = peakToMean,
            Pricing = pricing,
            SelfHosted = selfHosted,
            Api = apiLines,
            Labels = labels.Distinct().ToList(),
            RatesSource = rates.Origin,
            BatchApi = request.BatchApi,
            ModelName = run.Model.Synthetic ? $"{run.Model.Name} (synthetic weights)" : run.Model.Name,
        };
    }

    private static void ValidateWorkload(WorkloadSpec w)
    {
        if (w.InputTokens <= 0 || w.GeneratedTokens <= 0 || w.OutputTokens < 0 || w.ReasoningTokens < 0)
            throw new InferenceEconomicsException(ErrorKind.Usage, $"workload {w.Name}: needs input tokens > 0 and output + reasoning tokens > 0");
        if (w.CachedInputTokens < 0 || w.CacheWriteTokens < 0 || w.CachedInputTokens + w.CacheWriteTokens > w.InputTokens)
            throw new InferenceEconomicsException(ErrorKind.Usage,
                $"workload {w.Name}: cached ({w.CachedInputTokens}) plus cache-write ({w.CacheWriteTokens}) tokens exceed the {w.InputTokens} input tokens");
    }

    /// <summary>The requested scenario, else the finished one closest to the workload in P and G (log distance), highest capacity on ties.</summary>
    internal static ScenarioResult ChooseScenario(RunResult run, WorkloadSpec w, string? id, List<string> labels)
    {
        var usable = run.Scenarios.Where(s => s.Status == ScenarioStatus.Ok && s.Summary is not null && s.BatchSize > 0 && s.PromptTokens > 0 && s.GenTokens > 0).ToList();
        if (id is not null)
        {
            var s = run.Scenarios.FirstOrDefault(x => x.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
                ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
                    $"no scenario '{id}' in run {run.RunId}{Common.Suggest.DidYouMean(id, run.Scenarios.Select(x => x.Id))}; scenarios: {string.Join(", ", run.Scenarios.Select(x => x.Id))}");
            if (!usable.Contains(s))
                throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"scenario {s.Id} did not finish ({Words.Of(s.Status)}{(s.FailureReason is { } f ? $": {f}" : "")}); choose another with --scenario");
            NoteMismatch(s, w, labels);
            return s;
        }
        if (usable.Count == 0)
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"run {run.RunId} has no finished scenario to price; rerun the measurement");
        double Distance(ScenarioResult s) =>
            Math.Abs(Math.Log((double)s.PromptTokens / w.InputTokens)) + Math.Abs(Math.Log((double)s.GenTokens / w.GeneratedTokens));
        var best = usable
            .OrderBy(s => Math.Round(Distance(s), 9))
            .ThenByDescending(s => s.BatchSize / s.Median(MetricCatalog.E2e))
            .First();
        if (usable.Count > 1)
            labels.Add($"scenario {best.Id}: closest measured P and G to the workload, highest capacity among equals (choose with --scenario)");
        NoteMismatch(best, w, labels);
        return best;
    }

    private static void NoteMismatch(ScenarioResult s, WorkloadSpec w, List<string> labels)
    {
        if (Mismatched(s, w))
            labels.Add($"workload is {w.InputTokens:N0} in / {w.GeneratedTokens:N0} generated per request but the scenario measured P={s.PromptTokens}, G={s.GenTokens}: " +
                       $"capacity is estimated from its per-token times (below); measure --prompt-tokens {w.InputTokens} --gen-tokens {w.GeneratedTokens} for a measured figure");
    }

    private static bool Mismatched(ScenarioResult s, WorkloadSpec w)
    {
        static bool Far(int measured, int wanted) => Math.Abs(measured - wanted) > 0.1 * wanted;
        return Far(s.PromptTokens, w.InputTokens) || Far(s.GenTokens, w.GeneratedTokens);
    }

    /// <summary>
    /// Seconds one batch of B workload requests keeps the machine busy: the measured e2e when the scenario
    /// matches the workload (within 10% in P and G), else an estimate from the scenario's per-token times —
    /// prefill scaled by P_workload / P, the measured first-token selection, and (G_workload - 1) steps at the
    /// measured TPOT. The growth of attention cost with context is not modelled, and the label says so.
    /// </summary>
    internal static double WorkloadBatchSeconds(ScenarioResult s, WorkloadSpec w, int contextLength, List<string> labels)
    {
        double xPrefill = s.Median(MetricCatalog.PrefillTime), xTtft = s.Median(MetricCatalog.Ttft), xTpot = s.Median(MetricCatalog.Tpot);
        if (!Mismatched(s, w)) return s.Median(MetricCatalog.E2e);
        double prefillScale = (double)w.InputTokens / s.PromptTokens;
        double seconds = xPrefill * prefillScale
                         + Math.Max(0, xTtft - xPrefill)
                         + xTpot * Math.Max(0, w.GeneratedTokens - 1);
        labels.Add($"capacity estimated: {seconds:G3} s per batch of {s.BatchSize} requests = prefill {xPrefill:G3} s x {prefillScale:G3} " +
                   $"+ first-token selection + {Math.Max(0, w.GeneratedTokens - 1):N0} decode steps at the measured TPOT {xTpot * 1e3:G3} ms (attention growth with context not modelled)");
        if (w.InputTokens + w.GeneratedTokens > contextLength)
            labels.Add($"the workload's {w.InputTokens + w.GeneratedTokens:N0} tokens per request exceed this model's context length {contextLength:N0}: the estimate is for a model that could hold them");
        return seconds;
    }

    /// <summary>Pricing a run as hardware it did not run on is allowed (what-if), but never silently.</summary>
    private static void NoteHardwareMismatch(RunResult run, GpuSpec gpu, List<string> labels)
    {
        bool onGpu = run.Engine.Device.IsCuda;
        if (!onGpu)
        {
            labels.Add($"measured on {run.Engine.Device} but priced as {gpu.Name}: the capacity is this run's, not the GPU's");
            return;
        }
        string Key(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        var core = Key(gpu.Id.Split('-')[0]);   // "h100", "a100", "l40s", "rtx4090"...
        if (run.Environment.Gpus.Count > 0 && !run.Environment.Gpus.Any(g => Key(g.Name).Contains(core.Replace("rtx", ""))))
            labels.Add($"measured on {run.Environment.Gpus[0].Name} but priced as {gpu.Name}");
    }

    private static (HardwarePricing Pricing, double Pue, double? Kwh) PriceMachine(MachinePricing m, HardwareCatalog hardware, MeasuredEnergy? energy,
        ScenarioResult scenario, double prefill, double e2e, List<string> labels)
    {
        if (m.Gpus < 1) throw new InferenceEconomicsException(ErrorKind.Usage, $"--gpus {m.Gpus} must be 1 or more");
        CheckPrice("--price-per-hour", m.PricePerHour);
        CheckPrice("--capex", m.Capex);
        CheckPrice("--kwh-price", m.KwhPrice);
        CheckPrice("--other-per-hour", m.OtherPerHour);
        if (m.Watts is { } w0 && !(w0 > 0)) throw new InferenceEconomicsException(ErrorKind.Usage, $"--watts {w0} must be above 0");
        if (m.Pue is { } p0 && !(p0 >= 1)) throw new InferenceEconomicsException(ErrorKind.Usage, $"--pue {p0} must be 1 or more (facility power / IT power)");
        if (m.LifeYears is { } l0 && !(l0 > 0)) throw new InferenceEconomicsException(ErrorKind.Usage, $"--life-years {l0} must be above 0");

        (GpuSpec Gpu, GpuPrice Price)? catalog = m.Gpu is null ? null : hardware.Find(m.Gpu);
        string gpuText = catalog is { } c ? $"{m.Gpus} x {c.Gpu.Name}" : m.Gpus > 1 ? $"{m.Gpus} GPUs" : "machine";

        // Watts: measured when the run has them, else the user's figure labelled "estimated".
        double? watts = energy?.AverageWatts;
        string wattsSource = energy is null ? "none" : "measured";
        if (energy is not null)
        {
            if (m.Watts is { } ignored)
                labels.Add($"--watts {ignored:0.#} ignored: the run measured {energy.AverageWatts:0.#} W ({string.Join(" + ", energy.Sources)})");
            labels.Add($"power measured by the run: {energy.AverageWatts:0.#} W average over prefill and decode ({string.Join(" + ", energy.Sources)}; parts not measured are not included)");
        }
        else if (m.Watts is { } given)
        {
            watts = given; wattsSource = "estimated";
            labels.Add($"power estimated: {given:0.#} W given by the user (the run measured none)");
        }

        if (m.Owned)
        {
            if (m.PricePerHour is not null) throw new InferenceEconomicsException(ErrorKind.Usage, "give either --capex (owned) or --price-per-hour (rented), not both");
            if (watts is null)
                throw new InferenceEconomicsException(ErrorKind.Usage, "owned hardware needs its power: the run measured none; give --watts W (average machine power, labelled estimated)");
            var life = m.LifeYears ?? MachinePricing.DefaultLifeYears;
            var pue = m.Pue ?? MachinePricing.DefaultPue;
            var kwh = m.KwhPrice ?? MachinePricing.DefaultKwhPrice;
            var assumed = new List<string>();
            if (m.LifeYears is null) assumed.Add($"life {life} years");
            if (m.Pue is null) assumed.Add($"PUE {pue} (industry average)");
            if (m.KwhPrice is null) assumed.Add($"${kwh}/kWh (US industrial average)");
            if (assumed.Count > 0) labels.Add($"assumed defaults: {string.Join(", ", assumed)}; set --life-years, --pue, --kwh-price");
            double energyPerHour = SelfHostedFormulas.EnergyPerHour(watts.Value, pue, kwh);
            double r = SelfHostedFormulas.OwnedPerHour(m.Capex!.Value, life, watts.Value, pue, kwh, m.OtherPerHour);
            // (The project runs with invariant globalization: plain interpolation formats with '.' decimals.)
            var desc = $"owned {gpuText}: capex ${m.Capex:N0} over {life:0.##} y, {watts:0.#} W {wattsSource} x PUE {pue:0.##} at ${kwh:0.###}/kWh"
                       + (m.OtherPerHour > 0 ? $", other ${m.OtherPerHour:0.##}/h" : "") + $" = ${r:0.00##}/h";
            return (new HardwarePricing { Description = desc, Basis = "owned", DollarsPerHour = r, EnergyDollarsPerHour = energyPerHour, Watts = watts, WattsSource = wattsSource }, pue, kwh);
        }

        if (m.LifeYears is not null || m.Pue is not null && m.KwhPrice is null)
            throw new InferenceEconomicsException(ErrorKind.Usage, "--life-years and --pue describe owned hardware: give --capex too (or drop them)");
        double perGpu;
        string what;
        if (m.PricePerHour is { } given2)
        {
            perGpu = given2;
            what = catalog is not null || m.Gpus > 1 ? $"{gpuText} at ${given2:0.00##}/GPU-h (given)" : $"machine at ${given2:0.00##}/h (given)";
        }
        else if (catalog is { } c3)
        {
            perGpu = c3.Price.DollarsPerGpuHour;
            what = $"{gpuText} at ${perGpu:0.00##}/GPU-h ({c3.Price.Provider}, seen {c3.Price.Seen}{(c3.Price.Note is { } n ? $"; {n}" : "")})";
            if (c3.Price.Uncertain) labels.Add($"GPU price uncertain [?]: {c3.Gpu.Id} at {c3.Price.Provider} ${perGpu}/GPU-h ({c3.Price.Note ?? "conflicting sources"})");
        }
        else throw new InferenceEconomicsException(ErrorKind.Usage, "price the machine: --gpu NAME[:provider], --price-per-hour X, or --capex X for owned hardware");

        double rented = SelfHostedFormulas.RentedPerHour(m.Gpus, perGpu);
        var pueRented = m.Pue ?? MachinePricing.DefaultPue;
        if (m.KwhPrice is not null)
            labels.Add(watts is not null
                ? "energy cost shown for information: a rented machine's power is included in its price"
                : "--kwh-price not used: this run measured no power and no --watts was given, so no energy cost can be shown");
        return (new HardwarePricing
        {
            Description = m.Gpus > 1 || catalog is not null ? $"{what} = ${rented:0.00##}/h, rented" : $"{what}, rented",
            Basis = "rented",
            DollarsPerHour = rented,
            EnergyDollarsPerHour = m.KwhPrice is { } k && watts is { } w ? SelfHostedFormulas.EnergyPerHour(w, pueRented, k) : null,
            Watts = watts,
            WattsSource = wattsSource,
        }, pueRented, m.KwhPrice);
    }

    private static void CheckPrice(string name, double? value)
    {
        if (value is { } v && (v < 0 || !double.IsFinite(v)))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{name} {v.ToString(CultureInfo.InvariantCulture)} is negative; give a price in dollars that is not negative");
    }

    /// <summary>Joules per input and output token: measured (gross) when present, else watts x phase time / tokens (estimated).</summary>
    private static (double? Input, double? Output) JoulesPerToken(MeasuredEnergy? energy, HardwarePricing pricing, ScenarioResult s, double prefill, double e2e, double ttft)
    {
        if (energy is not null) return (energy.PrefillJoulesPerToken, energy.DecodeJoulesPerToken);
        if (pricing.Watts is not { } w) return (null, null);
        double? output = s.GenTokens > 1 ? w * (e2e - ttft) / (s.BatchSize * (s.GenTokens - 1.0)) : null;
        return (w * prefill / (s.BatchSize * (double)s.PromptTokens), output);
    }

    private static List<ApiCostLine> ApiLines(CostRequest request, RateCards rates, WorkloadSpec workload, SelfHostedCost self, double r, double peakToMean, List<string> labels)
    {
        IEnumerable<ApiRate> chosen;
        if (request.Vs is { Count: > 0 } vs) chosen = vs.Select(rates.Find);
        else
        {
            chosen = DefaultVs.Select(n => rates.TryFind(n, out var found) ? found : null).Where(x => x is not null)!;
            if (!chosen.Any()) chosen = rates.Rates.Take(5);
        }
        var lines = new List<ApiCostLine>();
        foreach (var rate in chosen.DistinctBy(x => x.Key))
        {
            var cost = ApiCost.PerRequest(rate, workload, request.BatchApi);
            var notes = cost.Notes.ToList();
            if (rate.Uncertain) notes.Add("price uncertain [?]");
            double? monthly = cost.Dollars * self.RequestsPerMonth;
            var be = cost.Dollars is { } a ? BreakEven.Find(a, r, self.CapacityRequestsPerHour, peakToMean) : null;
            if (cost.Dollars is not null && be is null) notes.Add("self-hosting never becomes cheaper at this price and capacity");
            lines.Add(new ApiCostLine
            {
                Provider = rate.Provider,
                Model = rate.Model,
                CostPerRequest = cost.Dollars,
                MonthlyCost = monthly,
                ApiToSelfHostedRatio = monthly / self.MonthlyCost,
                BreakEvenRequestsPerMonth = be?.RequestsPerMonth,
                BreakEvenUtilization = be?.Utilization,
                Notes = notes,
                PriceSeen = rate.Seen,
                PriceUncertain = rate.Uncertain,
            });
        }
        if (lines.Any(l => l.CostPerRequest is null)) labels.Add("some API prices are unknown for this workload: shown as unknown, never 0");
        return lines;
    }
}
