namespace InferenceEconomics.Economics;

/// <summary>What a cost analysis is asked: how the machine is paid for, the workload, the traffic, which APIs.</summary>
public sealed record CostRequest
{
    /// <summary>Upper bounds of the traffic figures (1e12 requests a day is a thousand times the largest public services): past them every derived figure stays finite.</summary>
    public const double MaxRequestsPerDay = 1e12, MaxPeakToMean = 1e6;

    public required MachinePricing Machine { get; init; }
    /// <summary>Tokens per request; null: the "chat" profile (labelled as a default).</summary>
    public WorkloadSpec? Workload { get; init; }
    /// <summary>Mean requests per day; null with <see cref="Utilization"/> null: one machine at full use (labelled).</summary>
    public double? RequestsPerDay { get; init; }
    /// <summary>Peak rate / mean rate, 1 or more.</summary>
    public double PeakToMean { get; init; } = 1;
    /// <summary>Instead of traffic: one machine busy this fraction of the time, in (0, 1].</summary>
    public double? Utilization { get; init; }
    /// <summary>API models to compare with ("provider/model" or "model"); null: <see cref="CostAnalyzer.DefaultVs"/>.</summary>
    public IReadOnlyList<string>? Vs { get; init; }
    public bool BatchApi { get; init; }
    /// <summary>Scenario id to price; null: the one closest to the workload's prompt and generated tokens.</summary>
    public string? ScenarioId { get; init; }
    /// <summary>A user rate-card file replacing the built-in cards.</summary>
    public string? RatesFile { get; init; }
    /// <summary>Latency and per-user speed bounds: the priced scenario is the cheapest that meets them all.</summary>
    public Slo? Slo { get; init; }
}

/// <summary>
/// The machine's price: rented (a price per hour and/or a catalog GPU, times the GPU count) or owned (a purchase price ...).
/// R = GPUs x price; a price per hour with no GPU count is the whole machine's price (any box, a CPU one included).
/// </summary>
public sealed record MachinePricing
{
    /// <summary>$/hour per GPU (or for the whole machine when Gpus is 1); overrides the catalog price.</summary>
    public double? PricePerHour { get; init; }
    /// <summary>"h100-sxm" or "h100-sxm:runpod": a catalog GPU and optionally the provider.</summary>
    public string? Gpu { get; init; }
    public int Gpus { get; init; } = 1;
    /// <summary>Owned hardware: purchase price of the whole machine, $.</summary>
    public double? Capex { get; init; }
    public double? LifeYears { get; init; }
    public double? Pue { get; init; }
    public double? KwhPrice { get; init; }
    public double OtherPerHour { get; init; }
    /// <summary>User-given average machine power, used (labelled "estimated") only when the run measured none.</summary>
    public double? Watts { get; init; }

    public bool Owned => Capex is not null;

    public const double DefaultLifeYears = 4;
    /// <summary>Uptime Institute industry average (prices.md).</summary>
    public const double DefaultPue = 1.58;
    /// <summary>US industrial average electricity price (prices.md).</summary>
    public const double DefaultKwhPrice = 0.08;
}
