namespace InferenceEconomics.Economics;

// The outcome of a cost analysis as plain data: what reports (Markdown, HTML, charts) and
// `cost --json` render. Computed by the Economics code from a RunResult, never from an engine.
// Unknown values are null, never 0.

public sealed record CostComparison
{
    public required string ScenarioId { get; init; }
    public required int BatchSize { get; init; }
    public required int PromptTokens { get; init; }
    public required int GenTokens { get; init; }
    public required WorkloadSpec Workload { get; init; }
    public required double RequestsPerDay { get; init; }
    public double PeakToMean { get; init; } = 1;
    public required HardwarePricing Pricing { get; init; }
    public required SelfHostedCost SelfHosted { get; init; }
    public required IReadOnlyList<ApiCostLine> Api { get; init; }
    /// <summary>Honesty labels: synthetic weights, estimated power, unknown prices, uncertain [?] figures.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    /// <summary>Where the API prices came from: "built-in" or the --rates file.</summary>
    public string RatesSource { get; init; } = "built-in";
    /// <summary>True when API lines use batch prices (--batch-api).</summary>
    public bool BatchApi { get; init; }
    /// <summary>Model name of the run (with "synthetic weights" when so).</summary>
    public string? ModelName { get; init; }
    /// <summary>Why this scenario was priced: given, the cheapest meeting the SLO, or the highest capacity (no SLO).</summary>
    public ScenarioChoice? Choice { get; init; }
    /// <summary>The capacity that is priced: measured or estimated from the scenario, with its spread over measured shapes.</summary>
    public CapacityEstimate? Capacity { get; init; }
    /// <summary>Where the traffic came from: requests_per_day (given) | utilization (derived from the given busy fraction) | assumed_full_use.</summary>
    public string TrafficBasis { get; init; } = "requests_per_day";
    /// <summary>The utilization given instead of a request rate (TrafficBasis "utilization").</summary>
    public double? UtilizationGiven { get; init; }
    /// <summary>Every measured scenario priced the same way: the interactivity frontier.</summary>
    public FrontierAnalysis? Frontier { get; init; }
    /// <summary>Cost per conversation and per turn, when the workload is a conversation.</summary>
    public ConversationCost? Conversation { get; init; }
    /// <summary>Cost per completed task, when the workload is an agent task.</summary>
    public TaskCost? Task { get; init; }
}

/// <summary>How the priced scenario was chosen, in words a reader can check.</summary>
public sealed record ScenarioChoice
{
    /// <summary>given | slo | highest_capacity</summary>
    public required string Basis { get; init; }
    public required string Reason { get; init; }
    /// <summary>The SLO text when one was given.</summary>
    public string? Slo { get; init; }
    /// <summary>The bound with the least margin at the chosen scenario, e.g. "itl_p99 41 ms meets <= 50 ms (18% to spare)".</summary>
    public string? BindingBound { get; init; }
    /// <summary>The next larger batch size of the same shape, and what it would have violated.</summary>
    public string? NextScenarioId { get; init; }
    public IReadOnlyList<string> NextViolations { get; init; } = [];
}

/// <summary>Tokens of one request of a workload.</summary>
public sealed record WorkloadSpec(string Name, int InputTokens, int CachedInputTokens, int OutputTokens, int ReasoningTokens)
{
    public int UncachedInputTokens => InputTokens - CachedInputTokens;
    /// <summary>Input tokens written to a provider's prompt cache per request (part of InputTokens, not cached ones).</summary>
    public int CacheWriteTokens { get; init; }
    /// <summary>True: cache writes use the 1-hour price; false: the 5-minute price.</summary>
    public bool CacheWriteOneHour { get; init; }
    /// <summary>Input tokens billed at the plain input price: neither read from nor written to a cache.</summary>
    public int PlainInputTokens => InputTokens - CachedInputTokens - CacheWriteTokens;
    /// <summary>Tokens a self-hosted model generates per request: output plus reasoning.</summary>
    public int GeneratedTokens => OutputTokens + ReasoningTokens;
}

/// <summary>How the machine is paid for.</summary>
public sealed record HardwarePricing
{
    /// <summary>e.g. "2 x H100 SXM @ $3.78/GPU-h (Lambda, 2026-05)" or "owned: capex $30000 / 4 y, PUE 1.3".</summary>
    public required string Description { get; init; }
    /// <summary>rented | owned</summary>
    public required string Basis { get; init; }
    public required double DollarsPerHour { get; init; }
    public double? EnergyDollarsPerHour { get; init; }
    /// <summary>Watts used for energy cost and where they came from: measured | estimated | none.</summary>
    public double? Watts { get; init; }
    public string WattsSource { get; init; } = "none";
}

public sealed record SelfHostedCost
{
    public required double InputCostPerMTokensFullUse { get; init; }
    public required double OutputCostPerMTokensFullUse { get; init; }
    public required double CapacityRequestsPerHour { get; init; }
    public required int Machines { get; init; }
    public required double Utilization { get; init; }
    public required double MonthlyCost { get; init; }
    public required double CostPerRequest { get; init; }
    public double? EnergyCostPerMOutputTokens { get; init; }
    /// <summary>Input and output $/M tokens at <see cref="Utilization"/> (full-use figure / u).</summary>
    public double InputCostPerMTokensAtUtilization { get; init; }
    public double OutputCostPerMTokensAtUtilization { get; init; }
    /// <summary>R / C: the price of one request on a machine that is never idle.</summary>
    public double CostPerRequestFullUse { get; init; }
    public double RequestsPerMonth { get; init; }
    public double? EnergyCostPerMInputTokens { get; init; }
    /// <summary>How the energy figures relate to $/hour: inside_price (owned: R already includes this energy) | included_in_rent (rented: shown for information, not added).</summary>
    public string? EnergyBasis { get; init; }
    /// <summary>Machines and monthly cost over the capacity spread (lowest and highest estimate); null when the capacity has no spread.</summary>
    public int? MachinesLow { get; init; }
    public int? MachinesHigh { get; init; }
    public double? MonthlyCostLow { get; init; }
    public double? MonthlyCostHigh { get; init; }
}

public sealed record ApiCostLine
{
    public required string Provider { get; init; }
    public required string Model { get; init; }
    /// <summary>Null when a price the workload needs is unknown.</summary>
    public double? CostPerRequest { get; init; }
    public double? MonthlyCost { get; init; }
    /// <summary>API monthly cost / self-hosted monthly cost (&gt;1: self-hosting is cheaper).</summary>
    public double? ApiToSelfHostedRatio { get; init; }
    /// <summary>Smallest monthly request volume from which self-hosting stays cheaper (the last interval's start); null if never.</summary>
    public double? BreakEvenRequestsPerMonth { get; init; }
    public double? BreakEvenUtilization { get; init; }
    /// <summary>Every range of monthly volume where self-hosting is cheaper, each with its machines and utilization.</summary>
    public IReadOnlyList<BreakEvenInterval> BreakEvenIntervals { get; init; } = [];
    /// <summary>The card says $0 in its source (a preview or a local model): no real price to compare with.</summary>
    public bool PricedZeroInSource { get; init; }
    /// <summary>The workload's request is longer than the card's context (max input or output tokens): not priced.</summary>
    public bool ExceedsContext { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>When the card's price was seen, and whether it is marked uncertain.</summary>
    public string? PriceSeen { get; init; }
    public bool PriceUncertain { get; init; }
}
