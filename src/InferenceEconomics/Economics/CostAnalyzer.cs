using InferenceEconomics.Hardware;
using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>
/// Turns a run's measured scenarios into self-hosted cost and compares it with API rate cards (docs/metrics.md).
/// Settings errors are <see cref="ValidationError"/>s whose field is the <see cref="CostRequest"/> property
/// path ("Machine.PricePerHour"): the caller maps them to its own option names.
/// </summary>
public static class CostAnalyzer
{
    /// <summary>Compared when no API is named: cheap, widely used APIs a small local model competes with, plus one frontier model.</summary>
    public static IReadOnlyList<string> DefaultVs { get; } =
        ["gpt-4o-mini", "gpt-5-mini", "claude-haiku-4-5", "gemini-2.5-flash", "deepseek-chat", "together/Llama-3.1-8B-Turbo", "claude-sonnet-4-5"];

    public const string DefaultWorkload = "chat";

    /// <summary>
    /// Checks everything a request names without a run (settings, rate file, API models, GPU, workload), so
    /// a run that is to be priced fails before a long sweep rather than after it.
    /// </summary>
    public static void Preflight(CostRequest request)
    {
        Validate(request);
        var rates = RateCards.LoadOrBuiltIn(request.RatesFile);
        foreach (var name in request.Vs ?? []) rates.Find(name);
        if (request.Machine.Gpu is { } gpu) HardwareCatalog.BuiltIn().Find(gpu);
    }

    /// <summary>Every check that needs no run, collected and thrown together as a <see cref="ValidationException"/>.</summary>
    public static void Validate(CostRequest request)
    {
        var v = new Validator();
        var m = request.Machine;
        v.Range("Machine.Gpus", m.Gpus, 1, double.MaxValue, "give the GPUs per machine, 1 or more");
        NotNegative(v, "Machine.PricePerHour", m.PricePerHour);
        NotNegative(v, "Machine.Capex", m.Capex);
        NotNegative(v, "Machine.KwhPrice", m.KwhPrice);
        NotNegative(v, "Machine.OtherPerHour", m.OtherPerHour);
        if (m.PricePerHour is 0)
            v.Add("Machine.PricePerHour", 0, "a machine's time costs something", "give its $/hour above 0", ErrorKind.PriceInvalid);
        v.Range("Machine.Watts", m.Watts, 0, double.MaxValue, "give the machine's average power in watts", minExclusive: true);
        v.Range("Machine.Pue", m.Pue, 1, double.MaxValue, "PUE is facility power / IT power, 1 or more");
        v.Range("Machine.LifeYears", m.LifeYears, 0, double.MaxValue, "give the years the hardware is written off over", minExclusive: true);
        if (m.Owned && m.PricePerHour is not null)
            v.Add("Machine.Capex", m.Capex, "owned hardware's purchase price and a rented price per hour are both given", "give one of them");
        if (!m.Owned && m.LifeYears is not null)
            v.Add("Machine.LifeYears", m.LifeYears, "describes owned hardware", "give its purchase price too, or drop it");
        if (!m.Owned && m.Pue is not null && m.KwhPrice is null)
            v.Add("Machine.Pue", m.Pue, "describes owned hardware (or an energy figure, with a price per kWh)", "give the purchase price or the price per kWh too, or drop it");
        if (m.PricePerHour is null && m.Gpu is null && m.Capex is null)
            v.Add("Machine", null, "the machine has no price", "give a catalog GPU, a price per hour, or a purchase price for owned hardware");
        if (request.Utilization is { } u)
        {
            if (request.RequestsPerDay is not null)
                v.Add("Utilization", u, "is given together with a request rate", "give one of them, not both");
            else if (!(u > 0 && u <= 1))
                v.Add("Utilization", u, "is outside (0, 1]", "give the busy fraction, e.g. 0.4");
        }
        v.Range("RequestsPerDay", request.RequestsPerDay, 0, CostRequest.MaxRequestsPerDay, "give the mean requests per day", minExclusive: true);
        v.Range("PeakToMean", request.PeakToMean, 1, CostRequest.MaxPeakToMean, "peak rate / mean rate is 1 or more");
        if (request.Workload is { } w) ValidateWorkload(v, w);
        v.ThrowIfAny();
    }

    private static void NotNegative(Validator v, string field, double? value)
    {
        if (value is { } x && (x < 0 || !double.IsFinite(x)))
            v.Add(field, x, "is negative", "give a price in dollars that is not negative", ErrorKind.PriceInvalid);
    }

    private static void ValidateWorkload(Validator v, WorkloadSpec w)
    {
        v.Require(w.InputTokens > 0, "Workload.InputTokens", w.InputTokens, $"workload {w.Name} needs input tokens above 0");
        v.Require(w.OutputTokens >= 0, "Workload.OutputTokens", w.OutputTokens, "is negative");
        v.Require(w.ReasoningTokens >= 0, "Workload.ReasoningTokens", w.ReasoningTokens, "is negative");
        if (w.OutputTokens >= 0 && w.ReasoningTokens >= 0 && w.GeneratedTokens <= 0)
            v.Add("Workload.OutputTokens", w.OutputTokens, $"workload {w.Name} generates nothing", "give output (or reasoning) tokens above 0");
        if (w.CachedInputTokens < 0 || w.CacheWriteTokens < 0 || w.CachedInputTokens + w.CacheWriteTokens > w.InputTokens)
            v.Add("Workload.CachedInputTokens", w.CachedInputTokens,
                $"cached ({w.CachedInputTokens}) plus cache-write ({w.CacheWriteTokens}) tokens exceed the {w.InputTokens} input tokens of workload {w.Name}",
                "give at most the input tokens in total");
    }

    public static CostComparison Analyze(RunResult run, CostRequest request) =>
        Analyze(run, request, RateCards.LoadOrBuiltIn(request.RatesFile), HardwareCatalog.BuiltIn());

    public static CostComparison Analyze(RunResult run, CostRequest request, RateCards rates, HardwareCatalog hardware)
    {
        Validate(request);
        var labels = Notes.OfRun(run).Select(n => n.Text).ToList();

        var workload = request.Workload;
        if (workload is null)
        {
            workload = Workloads.Find(DefaultWorkload).ToSpec();
            labels.Add($"workload: {DefaultWorkload} (default; name a workload or give input and output tokens)");
        }

        var usable = Usable(run);
        RefuseLoadRun(run, usable);
        var (scenario, choice) = ChooseScenario(run, usable, workload, request.ScenarioId, request.Slo, labels);
        double prefill = scenario.Median(MetricCatalog.PrefillTime), e2e = scenario.Median(MetricCatalog.E2e);
        if (!(prefill > 0) || !(e2e > prefill))
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid,
                $"scenario {scenario.Id} has impossible times (prefill {prefill} s, e2e {e2e} s); rerun the measurement");

        var energy = MeasuredEnergy.From(scenario);
        if (request.Machine.Gpu is { } gpuName) NoteHardwareMismatch(run, hardware.Find(gpuName).Gpu, labels);
        var machine = PriceMachine(request.Machine, hardware, energy, labels);
        var pricing = machine.Pricing;
        double r = pricing.DollarsPerHour;
        if (!(r > 0))
            throw new ValidationException([new ValidationError("Machine", r.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "the machine costs nothing per hour", "give a price above 0", ErrorKind.PriceInvalid)]);

        // The capacity that is priced: the workload's requests, measured when the scenario ran exactly them,
        // else scaled from its per-token times (docs/metrics.md "Capacity for pricing").
        var estimate = WorkloadCapacity.For(scenario, workload, usable);
        double capacity = estimate.CapacityPerHour;
        NoteEstimate(estimate, scenario, workload, run.Model.ContextLength, labels);

        // Traffic -> machines, utilization (docs/metrics.md "Traffic profile -> utilization").
        double peakToMean = request.PeakToMean;
        double requestsPerDay;
        int machines;
        double utilization;
        string trafficBasis;
        if (request.Utilization is { } u)
        {
            machines = 1; utilization = u; peakToMean = 1; trafficBasis = "utilization";
            requestsPerDay = u * capacity * SelfHostedFormulas.HoursPerDay;
            labels.Add($"traffic derived from the given utilization {u:0.###}: one machine busy {u * 100:0.#}% of the time = {requestsPerDay:N0} requests/day at this capacity");
        }
        else if (request.RequestsPerDay is { } rpd)
        {
            requestsPerDay = rpd; trafficBasis = "requests_per_day";
            double mean = rpd / SelfHostedFormulas.HoursPerDay;
            machines = SelfHostedFormulas.Machines(mean * peakToMean, capacity);
            utilization = SelfHostedFormulas.Utilization(mean, machines, capacity);
        }
        else
        {
            machines = 1; utilization = 1; peakToMean = 1; trafficBasis = "assumed_full_use";
            requestsPerDay = capacity * SelfHostedFormulas.HoursPerDay;
            labels.Add("no traffic given: one machine assumed 100% busy (best case); give a request rate for a true cost");
        }

        double monthly = SelfHostedFormulas.MonthlyCost(machines, r);
        double perMonth = SelfHostedFormulas.RequestsPerMonth(requestsPerDay);
        // $/M rows for the same request the capacity is for, so $/M input x input + $/M output x generated = $/request.
        double inputPerM = SelfHostedFormulas.InputCostPerM(r, estimate.PrefillSeconds, scenario.BatchSize, workload.InputTokens);
        double outputPerM = SelfHostedFormulas.OutputCostPerM(r, estimate.BatchSeconds, estimate.PrefillSeconds, scenario.BatchSize, workload.GeneratedTokens);

        double? energyOutPerM = null, energyInPerM = null;
        if (machine.Kwh is { } price)
        {
            var (inJ, outJ) = MeasuredEnergy.JoulesPerToken(energy, pricing.Watts, scenario);
            if (outJ is { } oj) energyOutPerM = SelfHostedFormulas.EnergyCostPerToken(oj, machine.Pue, price) * 1e6;
            if (inJ is { } ij) energyInPerM = SelfHostedFormulas.EnergyCostPerToken(ij, machine.Pue, price) * 1e6;
        }

        int? machinesLow = null, machinesHigh = null;
        if (estimate.CapacityLow is { } lo && estimate.CapacityHigh is { } hi && request.RequestsPerDay is { } rpd2)
        {
            double peak = rpd2 / SelfHostedFormulas.HoursPerDay * peakToMean;
            machinesLow = SelfHostedFormulas.Machines(peak, hi);
            machinesHigh = SelfHostedFormulas.Machines(peak, lo);
            if (machinesLow != machinesHigh)
                labels.Add($"machines are sensitive to the capacity estimate: {machinesLow} to {machinesHigh} machines " +
                           $"(${SelfHostedFormulas.MonthlyCost(machinesLow.Value, r):N0} to ${SelfHostedFormulas.MonthlyCost(machinesHigh.Value, r):N0} a month) " +
                           $"over the spread {lo:N0}..{hi:N0} requests/h; measure the workload's shape to settle it");
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
            EnergyBasis = energyOutPerM is null && energyInPerM is null ? null : pricing.Basis == "owned" ? "inside_price" : "included_in_rent",
            MachinesLow = machinesLow,
            MachinesHigh = machinesHigh,
            MonthlyCostLow = machinesLow is { } ml ? SelfHostedFormulas.MonthlyCost(ml, r) : null,
            MonthlyCostHigh = machinesHigh is { } mh ? SelfHostedFormulas.MonthlyCost(mh, r) : null,
        };

        var chosenRates = ChosenRates(request, rates);
        var apiLines = ApiLines(chosenRates, request.BatchApi, workload, selfHosted, r, peakToMean, labels);
        // A conversation's cost has its own KV-reuse column (measured); the per-request figures still re-prefill every input token.
        labels.Add(request.Outcome?.Conversation is null
            ? "self-hosted side pays for every input token (no prefix cache modelled); API side uses cached-input prices where the card has them"
            : "per request, the self-hosted side pays for every input token (no prefix cache modelled); per conversation, the KV-reuse column keeps the history's KV cache (measured); API side uses cached-input prices where the card has them");

        var frontier = BuildFrontier(run, usable, request, workload, machine, energy is null ? pricing.Watts : null, chosenRates);

        ConversationCost? conversation = null;
        TaskCost? task = null;
        if (request.Outcome?.Conversation is { } conv)
            conversation = OutcomeCost.Conversation(run, usable, scenario.BatchSize, request.Outcome, conv, r, utilization, chosenRates, request.BatchApi,
                workload.CacheWriteOneHour, labels);
        if (request.Outcome?.Task is { } taskShape)
        {
            labels.Add(Notes.TaskCallsAreRequests.Text);
            task = OutcomeCost.Task(request.Outcome, taskShape, selfHosted.CostPerRequest, chosenRates, request.BatchApi);
        }

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
            Choice = choice,
            Capacity = estimate,
            TrafficBasis = trafficBasis,
            UtilizationGiven = request.Utilization,
            Frontier = frontier,
            Conversation = conversation,
            Task = task,
        };
    }

    /// <summary>
    /// The interactivity frontier of several runs on one chart (models, precisions, engines, hardware): every
    /// measured scenario of each run priced with that run's request, the Pareto set marked across runs per
    /// shape, SLO bounds checked per point (none is chosen: an SLO nobody meets is shown, not refused).
    /// </summary>
    public static FrontierAnalysis FrontierOf(IReadOnlyList<(RunResult Run, CostRequest Request)> inputs) =>
        FrontierOf(inputs, null, HardwareCatalog.BuiltIn());

    public static FrontierAnalysis FrontierOf(IReadOnlyList<(RunResult Run, CostRequest Request)> inputs, RateCards? rates, HardwareCatalog hardware)
    {
        if (inputs.Count == 0) throw new ArgumentException("no run to place on the frontier", nameof(inputs));
        var points = new List<FrontierPoint>();
        var labels = new List<string>();
        IReadOnlyList<FrontierApiLine>? api = null;
        string? basis = null;
        foreach (var (run, request) in inputs)
        {
            Validate(request);
            var cards = rates ?? RateCards.LoadOrBuiltIn(request.RatesFile);
            var workload = request.Workload ?? Workloads.Find(DefaultWorkload).ToSpec();
            var usable = Usable(run);
            if (usable.Count == 0)
            {
                labels.Add($"run {run.RunId}: no finished scenario to place");
                continue;
            }
            // Owned hardware's R includes energy at the power measured: price with the first scenario that has it.
            var energy = usable.Select(MeasuredEnergy.From).FirstOrDefault(e => e is not null);
            var runLabels = new List<string>();
            var machine = PriceMachine(request.Machine, hardware, energy, runLabels);
            if (request.Machine.Gpu is { } gpuName) NoteHardwareMismatch(run, hardware.Find(gpuName).Gpu, runLabels);
            var f = BuildFrontier(run, usable, request, workload, machine, energy is null ? machine.Pricing.Watts : null, ChosenRates(request, cards));
            points.AddRange(f.Points);
            api ??= f.Api;
            basis ??= f.UtilizationBasis;
            labels.Add($"{Frontier.SeriesOf(run)}: {machine.Pricing.Description} (run {run.RunId})");
            labels.AddRange(runLabels.Where(l => l.Contains("priced as", StringComparison.Ordinal) || l.Contains("uncertain", StringComparison.Ordinal) || l.Contains("estimated", StringComparison.Ordinal)));
            labels.AddRange(f.Labels);
            if (run.Model.Synthetic) labels.Add($"{run.Model.Name}: {Notes.SyntheticWeights(run.Model.SyntheticOf ?? run.Model.Name).Text}");
        }
        // Two runs of the same model on the same hardware (another build, another day) stay two series.
        var clashing = points.GroupBy(p => p.Series).Where(g => g.Select(p => p.RunId).Distinct().Count() > 1).Select(g => g.Key).ToHashSet();
        points = points.Select(p => clashing.Contains(p.Series) ? p with { Series = $"{p.Series} (run {p.RunId})" } : p).ToList();
        return new FrontierAnalysis
        {
            Points = Frontier.MarkFrontier(points),
            Api = api ?? [],
            Slo = inputs[0].Request.Slo?.ToString(),
            UtilizationBasis = basis ?? new TrafficSpec(null, 1, null).Describe(),
            Labels = labels.Distinct().ToList(),
        };
    }

    private static FrontierAnalysis BuildFrontier(RunResult run, List<ScenarioResult> usable, CostRequest request, WorkloadSpec workload, MachinePrice machine,
        double? estimatedWatts, IEnumerable<ApiRate> chosenRates)
    {
        var traffic = new TrafficSpec(request.Utilization is null ? request.RequestsPerDay : null, request.Utilization is null ? request.PeakToMean : 1, request.Utilization);
        var points = Frontier.Points(run, usable, Math.Max(1, request.Machine.Gpus),
            s => machine.DollarsPerHourFor(MeasuredEnergy.From(s)),
            s => SelfHostedFormulas.CapacityPerHour(s.BatchSize, WorkloadCapacity.BatchSeconds(s, workload).Seconds),
            traffic, machine.Kwh is null ? null : machine.Pue, machine.Kwh, estimatedWatts, request.Slo);
        return new FrontierAnalysis
        {
            Points = Frontier.MarkFrontier(points),
            Api = FrontierApiLines(chosenRates, request.BatchApi),
            Slo = request.Slo?.ToString(),
            UtilizationBasis = traffic.Describe(),
            Labels = machine.Pricing.Basis == "owned" ? ["owned hardware: each point's $/hour includes the energy at the power measured there"] : [],
        };
    }

    /// <summary>The finished scenarios with a summary: the only ones that can be priced.</summary>
    /// <summary>Finished static-batch scenarios: load levels have no prefill or batch time and are priced by the Load room.</summary>
    internal static List<ScenarioResult> Usable(RunResult run) =>
        run.Scenarios.Where(s => s.Kind != ScenarioKind.Load && s.Status == ScenarioStatus.Ok && s.Summary is not null && s.BatchSize > 0 && s.PromptTokens > 0 && s.GenTokens > 0).ToList();

    /// <summary>A run of load levels only, handed to the static-batch cost model: one accurate refusal, not a figure.</summary>
    internal static void RefuseLoadRun(RunResult run, List<ScenarioResult> usable)
    {
        if (usable.Count == 0 && run.Scenarios.Any(s => s.Kind == ScenarioKind.Load))
            throw new InferenceEconomicsException(ErrorKind.Usage,
                $"{run.RunId} is a load run (levels measured through an HTTP endpoint), not a static-batch run: the load command prices its levels when given a machine price, and the frontier command places them");
    }

    /// <summary>
    /// The scenario to price. Given: that one. Otherwise among the measured shapes closest to the workload (log
    /// distance in P and G): with an SLO, the cheapest (highest capacity for the workload) that meets every bound;
    /// without, the highest capacity for the workload — the same quantity that is then priced.
    /// </summary>
    internal static (ScenarioResult Scenario, ScenarioChoice Choice) ChooseScenario(RunResult run, List<ScenarioResult> usable, WorkloadSpec w, string? id, Slo? slo, List<string> labels)
    {
        if (id is not null)
        {
            var s = run.Scenarios.FirstOrDefault(x => x.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
                ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
                    $"no scenario '{id}' in run {run.RunId}{Common.Suggest.DidYouMean(id, run.Scenarios.Select(x => x.Id))}; scenarios: {string.Join(", ", run.Scenarios.Select(x => x.Id))}");
            if (!usable.Contains(s))
                throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"scenario {s.Id} did not finish ({Words.Of(s.Status)}{(s.FailureReason is { } f ? $": {f}" : "")}); choose another scenario");
            NoteMismatch(s, w, labels);
            var given = new ScenarioChoice { Basis = "given", Reason = $"scenario {s.Id} as given" };
            if (slo is not null && slo.Check(s) is { } c)
                given = given with
                {
                    Slo = slo.ToString(),
                    Reason = given.Reason + (c.Met ? ": it meets the SLO" : $": it does NOT meet the SLO ({string.Join("; ", c.Violated)})"),
                    BindingBound = Describe(c.Binding),
                };
            return (s, given);
        }
        if (usable.Count == 0)
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"run {run.RunId} has no finished scenario to price; rerun the measurement");

        double Distance(ScenarioResult s) =>
            Math.Round(Math.Abs(Math.Log((double)s.PromptTokens / w.InputTokens)) + Math.Abs(Math.Log((double)s.GenTokens / w.GeneratedTokens)), 9);
        double Capacity(ScenarioResult s) => SelfHostedFormulas.CapacityPerHour(s.BatchSize, WorkloadCapacity.BatchSeconds(s, w).Seconds);
        double nearest = usable.Min(Distance);
        var candidates = usable.Where(s => Distance(s) == nearest).OrderByDescending(Capacity).ThenBy(s => s.BatchSize).ToList();
        string shape = $"P={candidates[0].PromptTokens}, G={candidates[0].GenTokens}";

        ScenarioResult best;
        ScenarioChoice choice;
        if (slo is null)
        {
            best = candidates[0];
            double perUser = 1 / best.Median(MetricCatalog.Tpot);
            choice = new ScenarioChoice
            {
                Basis = "highest_capacity",
                Reason = candidates.Count > 1
                    ? $"no SLO given: priced at the highest capacity for the workload among the {candidates.Count} scenarios of the closest measured shape ({shape}): " +
                      $"{best.Id}, {perUser:0.#} tok/s per user; the frontier shows the price of every other speed"
                    : $"scenario {best.Id}: the closest measured shape to the workload ({shape}); no SLO given",
            };
        }
        else
        {
            var checks = candidates.Select(s => (s, c: slo.Check(s))).ToList();
            var meeting = checks.Where(x => x.c is { Met: true }).ToList();
            if (meeting.Count == 0)
            {
                var closest = checks.Where(x => x.c is not null).MaxBy(x => x.c!.Bounds.Min(b => b.Slack));
                throw new InferenceEconomicsException(ErrorKind.Usage,
                    $"no measured scenario of the closest shape ({shape}) meets the SLO {slo}" +
                    (closest.c is { } cc ? $"; closest: {closest.s.Id} ({string.Join("; ", cc.Violated)})" : "") +
                    "; relax the SLO or measure smaller batch sizes");
            }
            var (chosen, check) = meeting[0];   // candidates are ordered by capacity: the first that meets is the cheapest
            best = chosen;
            var next = candidates.Where(s => s.BatchSize > best.BatchSize).MinBy(s => s.BatchSize);
            var nextCheck = next is null ? null : slo.Check(next);
            choice = new ScenarioChoice
            {
                Basis = "slo",
                Slo = slo.ToString(),
                Reason = $"the cheapest scenario of the closest measured shape ({shape}) that meets the SLO {slo}: {best.Id}",
                BindingBound = Describe(check!.Binding),
                NextScenarioId = next?.Id,
                NextViolations = next is null ? ["no larger batch size was measured"]
                    : nextCheck is null ? ["not measured"]
                    : nextCheck.Met ? [$"meets the SLO too, but its capacity for the workload is lower ({Capacity(next):N0} vs {Capacity(best):N0} requests/h)"]
                    : nextCheck.Violated.Select(v => v.ToString()).ToList(),
            };
        }
        NoteMismatch(best, w, labels);
        return (best, choice);
    }

    private static string Describe(SloBoundCheck b) =>
        $"{b.Bound.Name} {b.Bound.FormatValue(b.Measured)} {(b.Met ? "meets" : "violates")} {b.Bound.Operator} {b.Bound.LimitText} " +
        (b.Met ? $"({b.Slack * 100:0.#}% to spare)" : $"({-b.Slack * 100:0.#}% over)");

    private static void NoteMismatch(ScenarioResult s, WorkloadSpec w, List<string> labels)
    {
        if (!WorkloadCapacity.Matches(s, w))
            labels.Add($"workload is {w.InputTokens:N0} in / {w.GeneratedTokens:N0} generated per request but scenario {s.Id} measured P={s.PromptTokens}, G={s.GenTokens}: " +
                       $"capacity and $/M are estimated from its per-token times (below); measure prompt {w.InputTokens} and generated {w.GeneratedTokens} tokens for a measured figure");
    }

    /// <summary>Labels an estimated capacity with the scenario it came from and its spread over the measured shapes.</summary>
    private static void NoteEstimate(CapacityEstimate e, ScenarioResult s, WorkloadSpec w, int contextLength, List<string> labels)
    {
        if (e.Measured) return;
        double prefillScale = (double)w.InputTokens / s.PromptTokens;
        static string Sec(double v) => v.ToString(v >= 100 ? "N0" : "G3", System.Globalization.CultureInfo.InvariantCulture);
        labels.Add($"capacity estimated from scenario {s.Id}: {Sec(e.BatchSeconds)} s per batch of {s.BatchSize} requests = prefill {Sec(s.Median(MetricCatalog.PrefillTime))} s x {prefillScale:G3} " +
                   $"+ first-token selection + {Math.Max(0, w.GeneratedTokens - 1):N0} decode steps at the measured TPOT {s.Median(MetricCatalog.Tpot) * 1e3:G3} ms (attention growth with context not modelled)" +
                   (e.CapacityLow is { } lo && e.CapacityHigh is { } hi
                       ? $"; the measured shapes at batch {s.BatchSize} ({string.Join(", ", e.SpreadFrom)}) give {lo:N0}..{hi:N0} requests/h"
                       : "; one measured shape at this batch size: no spread to show"));
        if (w.InputTokens + w.GeneratedTokens > contextLength)
            labels.Add($"the workload's {w.InputTokens + w.GeneratedTokens:N0} tokens per request exceed this model's context length {contextLength:N0}: the estimate is for a model that could hold them");
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

    /// <summary>The machine's price; for owned hardware R depends on the power, so <see cref="DollarsPerHourFor"/> prices any scenario's.</summary>
    internal sealed record MachinePrice(HardwarePricing Pricing, double Pue, double? Kwh, Func<MeasuredEnergy?, double> DollarsPerHourFor);

    internal static MachinePrice PriceMachine(MachinePricing m, HardwareCatalog hardware, MeasuredEnergy? energy, List<string> labels)
    {
        (GpuSpec Gpu, GpuPrice Price)? catalog = m.Gpu is null ? null : hardware.Find(m.Gpu);
        string gpuText = catalog is { } c ? $"{m.Gpus} x {c.Gpu.Name}" : m.Gpus > 1 ? $"{m.Gpus} GPUs" : "machine";

        // Watts: measured when the run has them, else the user's figure labelled "estimated".
        double? watts = energy?.AverageWatts;
        string wattsSource = energy is null ? "none" : "measured";
        if (energy is not null)
        {
            if (m.Watts is { } ignored)
                labels.Add($"the given {ignored:0.#} W ignored: the run measured {energy.AverageWatts:0.#} W ({string.Join(" + ", energy.Sources)})");
            labels.Add($"power measured by the run: {energy.AverageWatts:0.#} W average over prefill and decode ({string.Join(" + ", energy.Sources)}; parts not measured are not included)");
        }
        else if (m.Watts is { } given)
        {
            watts = given; wattsSource = "estimated";
            labels.Add($"power estimated: {given:0.#} W given by the user (the run measured none)");
        }

        if (m.Owned)
        {
            if (watts is null)
                throw new ValidationException([new ValidationError("Machine.Watts", null, "owned hardware needs its power and the run measured none",
                    "give the machine's average power in watts (labelled estimated)")]);
            var life = m.LifeYears ?? MachinePricing.DefaultLifeYears;
            var pue = m.Pue ?? MachinePricing.DefaultPue;
            var kwh = m.KwhPrice ?? MachinePricing.DefaultKwhPrice;
            var assumed = new List<string>();
            if (m.LifeYears is null) assumed.Add($"life {life} years");
            if (m.Pue is null) assumed.Add($"PUE {pue} (industry average)");
            if (m.KwhPrice is null) assumed.Add($"${kwh}/kWh (US industrial average)");
            if (assumed.Count > 0) labels.Add($"assumed defaults: {string.Join(", ", assumed)}; set the life, PUE and $/kWh to override");
            double energyPerHour = SelfHostedFormulas.EnergyPerHour(watts.Value, pue, kwh);
            double r = SelfHostedFormulas.OwnedPerHour(m.Capex!.Value, life, watts.Value, pue, kwh, m.OtherPerHour);
            // (The project runs with invariant globalization: plain interpolation formats with '.' decimals.)
            var desc = $"owned {gpuText}: capex ${m.Capex:N0} over {life:0.##} y, {watts:0.#} W {wattsSource} x PUE {pue:0.##} at ${kwh:0.###}/kWh"
                       + (m.OtherPerHour > 0 ? $", other ${m.OtherPerHour:0.##}/h" : "") + $" = ${r:0.00##}/h";
            double fallbackWatts = watts.Value;
            return new MachinePrice(
                new HardwarePricing { Description = desc, Basis = "owned", DollarsPerHour = r, EnergyDollarsPerHour = energyPerHour, Watts = watts, WattsSource = wattsSource },
                pue, kwh,
                e => SelfHostedFormulas.OwnedPerHour(m.Capex!.Value, life, e?.AverageWatts ?? fallbackWatts, pue, kwh, m.OtherPerHour));
        }

        double perGpu;
        string what;
        if (m.PricePerHour is { } given2)
        {
            perGpu = given2;
            what = catalog is not null || m.Gpus > 1 ? $"{gpuText} at ${given2:0.00##}/GPU-h (given)" : $"machine at ${given2:0.00##}/h (given)";
        }
        else
        {
            var c3 = catalog!.Value;   // Validate: a price, a GPU or a capex is given
            perGpu = c3.Price.DollarsPerGpuHour;
            what = $"{gpuText} at ${perGpu:0.00##}/GPU-h ({c3.Price.Provider}, seen {c3.Price.Seen}{(c3.Price.Note is { } n ? $"; {n}" : "")})";
            if (c3.Price.Uncertain) labels.Add($"GPU price uncertain [?]: {c3.Gpu.Id} at {c3.Price.Provider} ${perGpu}/GPU-h ({c3.Price.Note ?? "conflicting sources"})");
        }

        double rented = SelfHostedFormulas.RentedPerHour(m.Gpus, perGpu);
        var pueRented = m.Pue ?? MachinePricing.DefaultPue;
        if (m.KwhPrice is not null)
            labels.Add(watts is not null
                ? "energy cost shown for information: a rented machine's power is included in its price"
                : "the price per kWh is not used: this run measured no power and no watts were given, so no energy cost can be shown");
        return new MachinePrice(new HardwarePricing
        {
            Description = m.Gpus > 1 || catalog is not null ? $"{what} = ${rented:0.00##}/h, rented" : $"{what}, rented",
            Basis = "rented",
            DollarsPerHour = rented,
            EnergyDollarsPerHour = m.KwhPrice is { } k && watts is { } w ? SelfHostedFormulas.EnergyPerHour(w, pueRented, k) : null,
            Watts = watts,
            WattsSource = wattsSource,
        }, pueRented, m.KwhPrice, _ => rented);
    }

    private static List<ApiRate> ChosenRates(CostRequest request, RateCards rates)
    {
        IEnumerable<ApiRate> chosen;
        if (request.Vs is { Count: > 0 } vs) chosen = vs.Select(rates.Find);
        else
        {
            chosen = DefaultVs.Select(n => rates.TryFind(n, out var found) ? found : null).Where(x => x is not null)!;
            if (!chosen.Any()) chosen = rates.Rates.Take(5);
        }
        return chosen.DistinctBy(x => x.Key).ToList();
    }

    /// <summary>Each API's output price for the frontier chart (batch prices when asked; unknown ones left out).</summary>
    internal static IReadOnlyList<FrontierApiLine> FrontierApiLines(IEnumerable<ApiRate> rates, bool batch) =>
        rates.Select(r => (r, price: batch ? r.BatchOutput : r.Output)).Where(x => x.price is not null)
            .Select(x => new FrontierApiLine(x.r.Key, x.price!.Value, x.r.Seen, x.r.Uncertain, x.r.PricedZeroInSource)).ToList();

    private static List<ApiCostLine> ApiLines(IEnumerable<ApiRate> chosen, bool batch, WorkloadSpec workload, SelfHostedCost self, double r, double peakToMean, List<string> labels)
    {
        var lines = new List<ApiCostLine>();
        foreach (var rate in chosen)
        {
            var cost = ApiCost.PerRequest(rate, workload, batch);
            var notes = cost.Notes.ToList();
            if (rate.Uncertain) notes.Add("price uncertain [?]");
            if (rate.PricedZeroInSource) notes.Add("priced $0 in source (a preview or local model): not a price to compare with");
            double? monthly = cost.Dollars * self.RequestsPerMonth;
            var intervals = cost.Dollars is { } a ? BreakEven.Intervals(a, r, self.CapacityRequestsPerHour, peakToMean) : [];
            if (intervals.Count > BreakEven.MaxIntervals)
                notes.Add($"more than {BreakEven.MaxIntervals:N0} separate ranges where self-hosting is cheaper: the API price is barely above break-even; the first ones and the last are kept");
            if (cost.Dollars is > 0 && intervals.Count == 0) notes.Add("self-hosting never becomes cheaper at this price and capacity");
            var last = intervals.Count > 0 ? intervals[^1] : null;
            lines.Add(new ApiCostLine
            {
                Provider = rate.Provider,
                Model = rate.Model,
                CostPerRequest = cost.Dollars,
                MonthlyCost = monthly,
                ApiToSelfHostedRatio = monthly / self.MonthlyCost,
                BreakEvenRequestsPerMonth = BreakEven.CheaperFrom(intervals),
                BreakEvenUtilization = last?.UtilizationFrom,
                BreakEvenIntervals = intervals,
                Notes = notes,
                PriceSeen = rate.Seen,
                PriceUncertain = rate.Uncertain,
                PricedZeroInSource = rate.PricedZeroInSource,
                ExceedsContext = cost.ExceedsContext,
            });
        }
        if (lines.Any(l => l.CostPerRequest is null && !l.ExceedsContext)) labels.Add("some API prices are unknown for this workload: shown as unknown, never 0");
        if (lines.Any(l => l.ExceedsContext)) labels.Add("some APIs cannot take this workload's request (longer than their context): shown as \"exceeds context\", never priced");
        if (lines.Any(l => l.PricedZeroInSource)) labels.Add("some API cards are priced $0 in their source (previews, local models): their comparisons say so");
        return lines;
    }
}
