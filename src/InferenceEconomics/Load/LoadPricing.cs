using InferenceEconomics.Economics;
using InferenceEconomics.Hardware;
using InferenceEconomics.Metrics;

namespace InferenceEconomics.Load;

/// <summary>
/// One level's cost: $/M output tokens and $/M tokens (input + output) with the deployment busy at that level, and
/// its point on the interactivity frontier: per-user tok/s = 1 / median TPOT; <see cref="Pareto"/> when no other
/// level of the run is both faster per user and cheaper per output token.
/// </summary>
public sealed record LevelCost(string ScenarioId, double? OutputDollarsPerM, double? TotalDollarsPerM, double? GoodOutputDollarsPerM)
{
    public double? PerUserTps { get; init; }
    public bool Pareto { get; init; }
}

/// <summary>
/// A deployment priced at every load level (docs/economics.md "Pricing a load run"): R $/hour for the whole
/// deployment (N GPUs x $/GPU-hour, or a machine price), divided by the tokens it served per hour at each level,
/// and at SLO capacity (the level with the most output tokens of requests that met the SLO per second).
/// </summary>
public sealed record LoadCost
{
    public required string Machine { get; init; }
    public required double DollarsPerHour { get; init; }
    public required IReadOnlyList<LevelCost> Levels { get; init; }
    /// <summary>The level priced as the capacity: with an SLO, the most good output tokens per second; without, the most output tokens per second.</summary>
    public string? CapacityLevel { get; init; }
    public double? CapacityOutputDollarsPerM { get; init; }
    public required string CapacityBasis { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    /// <summary>The levels as points of the interactivity frontier (per-user tok/s against $/M output), for the frontier chart.</summary>
    public FrontierAnalysis? Frontier { get; init; }

    /// <summary>$ per million tokens when R $/hour buys <paramref name="tokensPerSecond"/>: R / (3600 x tok/s) x 1e6; null for no tokens.</summary>
    public static double? PerMillion(double r, double? tokensPerSecond) =>
        tokensPerSecond is { } t && t > 0 && double.IsFinite(t) ? r / (3600 * t) * 1e6 : null;

    /// <summary>Output tokens per second of the requests that met the level's SLO.</summary>
    public static double? GoodOutputTps(ScenarioResult s) =>
        s.Load is { Slo: not null, DurationSeconds: > 0 } l ? l.Requests.Where(r => r.MetSlo == true).Sum(r => (double)r.OutputCount) / l.DurationSeconds : null;

    private static string Inv(FormattableString f) => f.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Prices every finished load level of a run with the machine given (rented or owned, through the cost model's machine price).</summary>
    public static LoadCost Price(RunResult run, MachinePricing machine, HardwareCatalog? hardware = null)
    {
        CostAnalyzer.Validate(new CostRequest { Machine = machine });
        var labels = new List<string>();
        var price = CostAnalyzer.PriceMachine(machine, hardware ?? HardwareCatalog.BuiltIn(), null, labels);
        double r = price.Pricing.DollarsPerHour;
        var levels = run.Scenarios.Where(s => s.Kind == ScenarioKind.Load && s.Status is ScenarioStatus.Ok or ScenarioStatus.Interrupted).ToList();
        var costs = levels.Select(s => new LevelCost(s.Id,
            PerMillion(r, MetricCatalog.ServedOutputTps.Value(s, Stat.Value)),
            PerMillion(r, MetricCatalog.ServedTotalTps.Value(s, Stat.Value)),
            PerMillion(r, GoodOutputTps(s)))
        {
            PerUserTps = MetricCatalog.Tpot.Value(s, Stat.Median) is { } tpot && tpot > 0 ? 1 / tpot : null,
        }).ToList();
        // The frontier's own Pareto rule, over the levels that have both a speed and a price (the others are never on it).
        var priced = costs.Where(c => c.PerUserTps is not null && c.OutputDollarsPerM is not null).ToList();
        var on = InferenceEconomics.Economics.Frontier.Pareto(priced.Select(c => (c.PerUserTps!.Value, c.OutputDollarsPerM!.Value)).ToList());
        costs = costs.Select(c => c with { Pareto = priced.IndexOf(c) is var k && k >= 0 && on[k] }).ToList();
        bool slo = levels.Any(s => s.Load?.Slo is not null);
        var best = slo
            ? levels.Where(s => GoodOutputTps(s) > 0).MaxBy(s => GoodOutputTps(s)!.Value)
            : levels.Where(s => MetricCatalog.ServedOutputTps.Value(s, Stat.Value) > 0).MaxBy(s => MetricCatalog.ServedOutputTps.Value(s, Stat.Value)!.Value);
        string basis = slo
            ? best is null ? $"no level served a request within the SLO ({levels.First(s => s.Load?.Slo is not null).Load!.Slo}): no SLO capacity"
                : $"SLO capacity: level {best.Id}, the most output tokens/s of requests meeting {best.Load!.Slo} (only those tokens are counted)"
            : best is null ? "no level finished a request" : $"no SLO given: the highest-throughput level {best.Id} is priced";
        var points = new List<FrontierPoint>();
        foreach (var (s, c) in levels.Zip(costs))
        {
            if (c.PerUserTps is not { } u || c.OutputDollarsPerM is not { } outM || s.Load is not { } l) continue;
            string label = l.Concurrency is { } n ? Inv($"c={n}") : l.RatePerSecond is { } rate ? Inv($"{rate:0.##}/s") : s.Id;
            points.Add(new FrontierPoint
            {
                RunId = run.RunId, Series = $"{run.Endpoint?.ServedModel ?? run.Model.Name} via {run.Endpoint?.Url ?? "endpoint"}", ScenarioId = s.Id,
                BatchSize = l.Concurrency ?? 0, PromptTokens = 0, GenTokens = 0, // one shape: every level of a load run competes
                PerUserTokensPerSecond = u, TtftSeconds = MetricCatalog.Ttft.Value(s, Stat.Median) ?? 0, TpotSeconds = 1 / u,
                OutputTokensPerSecondPerDevice = MetricCatalog.ServedOutputTps.Value(s, Stat.Value) ?? 0, Devices = 1, DollarsPerHour = r,
                // Input is not priced apart in a load run (no prefill time of its own): unknown, not 0.
                InputCostPerMFullUse = null, OutputCostPerMFullUse = outM, Utilization = 1,
                InputCostPerMAtUtilization = null, OutputCostPerMAtUtilization = outM,
                OnFrontier = c.Pareto, PointLabel = label,
            });
        }
        return new LoadCost
        {
            Frontier = points.Count == 0 ? null : new FrontierAnalysis { Points = points, UtilizationBasis = "each level's own throughput (the deployment busy at that level)" },
            Machine = price.Pricing.Description, DollarsPerHour = r, Levels = costs, CapacityLevel = best?.Id,
            CapacityOutputDollarsPerM = best is null ? null : slo ? PerMillion(r, GoodOutputTps(best)) : PerMillion(r, MetricCatalog.ServedOutputTps.Value(best, Stat.Value)),
            CapacityBasis = basis, Labels = labels,
        };
    }
}
