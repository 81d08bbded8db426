using InferenceEconomics.Metrics;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Economics;

/// <summary>
/// One measured scenario as a point of the interactivity frontier (docs/metrics.md "Interactivity frontier
/// and SLOs"): how fast each user is served against what a token costs, at the scenario's own P and G.
/// </summary>
public sealed record FrontierPoint
{
    public required string RunId { get; init; }
    /// <summary>Model, precision, engine and hardware: one chart series each.</summary>
    public required string Series { get; init; }
    public required string ScenarioId { get; init; }
    public required int BatchSize { get; init; }
    public required int PromptTokens { get; init; }
    public required int GenTokens { get; init; }
    /// <summary>Interactivity: output tokens per second each user sees = 1 / TPOT (median).</summary>
    public required double PerUserTokensPerSecond { get; init; }
    public required double TtftSeconds { get; init; }
    public required double TpotSeconds { get; init; }
    /// <summary>Output tokens per second of the whole machine (B x G / e2e, median) divided by its devices.</summary>
    public required double OutputTokensPerSecondPerDevice { get; init; }
    public required int Devices { get; init; }
    public required double DollarsPerHour { get; init; }
    /// <summary>$ per million tokens at full use (time attribution, docs/metrics.md); input null for a load level (no prefill time of its own).</summary>
    public required double? InputCostPerMFullUse { get; init; }
    public required double OutputCostPerMFullUse { get; init; }
    /// <summary>The traffic's utilization at this point (machines = ceil(peak / capacity)), and the costs divided by it.</summary>
    public required double Utilization { get; init; }
    public required double? InputCostPerMAtUtilization { get; init; }
    public required double OutputCostPerMAtUtilization { get; init; }
    /// <summary>Joules per token (gross, every measured source) where power was measured; null otherwise.</summary>
    public double? JoulesPerInputToken { get; init; }
    public double? JoulesPerOutputToken { get; init; }
    /// <summary>Energy $ per million tokens (J/token x PUE x $/kWh) where power and an electricity price are known.</summary>
    public double? EnergyCostPerMInput { get; init; }
    public double? EnergyCostPerMOutput { get; init; }
    /// <summary>No other point of the same P and G is both faster per user and cheaper per output token (full use).</summary>
    public bool OnFrontier { get; init; }
    /// <summary>What the chart writes beside the point; null: "B=&lt;batch size&gt;". Load levels say "c=8" or "2/s".</summary>
    public string? PointLabel { get; init; }
    /// <summary>Null without an SLO; else whether every bound holds, and the bounds that do not.</summary>
    public bool? MeetsSlo { get; init; }
    public IReadOnlyList<string> SloViolations { get; init; } = [];
    public bool SyntheticWeights { get; init; }
}

/// <summary>An API's output price, drawn as a horizontal line on the frontier chart.</summary>
public sealed record FrontierApiLine(string Name, double OutputPerMTokens, string Seen, bool Uncertain, bool PricedZeroInSource);

/// <summary>The frontier of one run or several (models, precisions, engines, hardware on one chart).</summary>
public sealed record FrontierAnalysis
{
    public required IReadOnlyList<FrontierPoint> Points { get; init; }
    public IReadOnlyList<FrontierApiLine> Api { get; init; } = [];
    /// <summary>The SLO the points were checked against, as text; null when none was given.</summary>
    public string? Slo { get; init; }
    /// <summary>Where the utilization column comes from ("traffic 50,000 requests/day...", "given", "none: full use").</summary>
    public required string UtilizationBasis { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
}

public static class Frontier
{
    /// <summary>Batch sizes a priced run sweeps when none are given: enough points to draw the frontier.</summary>
    public static IReadOnlyList<int> DefaultBatchSizes { get; } = [1, 2, 4, 8, 16, 32];

    /// <summary>
    /// Pareto set: point i is on it unless another point is at least as fast per user and at most as
    /// expensive, and strictly better in one of the two. Equal points are all kept.
    /// </summary>
    public static IReadOnlyList<bool> Pareto(IReadOnlyList<(double PerUserTps, double CostPerM)> points)
    {
        var on = new bool[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            var (s, c) = points[i];
            on[i] = !points.Where((_, j) => j != i).Any(q => q.PerUserTps >= s && q.CostPerM <= c && (q.PerUserTps > s || q.CostPerM < c));
        }
        return on;
    }

    /// <summary>Marks <see cref="FrontierPoint.OnFrontier"/> within each (P, G): $/M output differs with the shape, so only points of one shape compete.</summary>
    public static IReadOnlyList<FrontierPoint> MarkFrontier(IReadOnlyList<FrontierPoint> points)
    {
        var result = points.ToArray();
        foreach (var g in points.Select((p, i) => (p, i)).GroupBy(x => (x.p.PromptTokens, x.p.GenTokens)))
        {
            var items = g.ToList();
            var on = Pareto(items.Select(x => (x.p.PerUserTokensPerSecond, x.p.OutputCostPerMFullUse)).ToList());
            for (int k = 0; k < items.Count; k++) result[items[k].i] = items[k].p with { OnFrontier = on[k] };
        }
        return result;
    }

    /// <summary>"llama-3.2-1b int4, genai on AMD EPYC ...": what one chart series stands for.</summary>
    public static string SeriesOf(RunResult r) =>
        $"{r.Model.Name}{(r.Model.Synthetic && !r.Model.Name.Contains("synthetic", StringComparison.OrdinalIgnoreCase) ? " (synthetic)" : "")} {Words.Of(r.Model.Precision)}, {Words.Of(r.Engine.Name)} on {RunIdentity.HardwareOf(r)}";

    /// <summary>
    /// One point per usable scenario. <paramref name="dollarsPerHour"/> gives R for a scenario (owned hardware's
    /// energy part depends on the power measured there); <paramref name="capacityFor"/> the workload capacity the
    /// traffic's utilization is worked out from.
    /// </summary>
    internal static List<FrontierPoint> Points(RunResult run, IReadOnlyList<ScenarioResult> usable, int devices,
        Func<ScenarioResult, double> dollarsPerHour, Func<ScenarioResult, double> capacityFor, TrafficSpec traffic,
        double? pue, double? kwh, double? estimatedWatts, Slo? slo)
    {
        var series = SeriesOf(run);
        var list = new List<FrontierPoint>();
        foreach (var s in usable)
        {
            double prefill = s.Median(MetricCatalog.PrefillTime), e2e = s.Median(MetricCatalog.E2e), tpot = s.Median(MetricCatalog.Tpot);
            if (!(prefill > 0) || !(e2e > prefill) || !(tpot > 0)) continue;
            double r = dollarsPerHour(s);
            double inFull = SelfHostedFormulas.InputCostPerM(r, prefill, s.BatchSize, s.PromptTokens);
            double outFull = SelfHostedFormulas.OutputCostPerM(r, e2e, prefill, s.BatchSize, s.GenTokens);
            double u = traffic.UtilizationAt(capacityFor(s));
            var (inJ, outJ) = MeasuredEnergy.JoulesPerToken(MeasuredEnergy.From(s), estimatedWatts, s);
            double? EnergyPerM(double? j) => j is { } jj && pue is { } p && kwh is { } k ? SelfHostedFormulas.EnergyCostPerToken(jj, p, k) * 1e6 : null;
            var check = slo?.Check(s);
            list.Add(new FrontierPoint
            {
                RunId = run.RunId,
                Series = series,
                ScenarioId = s.Id,
                BatchSize = s.BatchSize,
                PromptTokens = s.PromptTokens,
                GenTokens = s.GenTokens,
                PerUserTokensPerSecond = 1 / tpot,
                TtftSeconds = s.Median(MetricCatalog.Ttft),
                TpotSeconds = tpot,
                OutputTokensPerSecondPerDevice = s.Median(MetricCatalog.OutputTps) / devices,
                Devices = devices,
                DollarsPerHour = r,
                InputCostPerMFullUse = inFull,
                OutputCostPerMFullUse = outFull,
                Utilization = u,
                InputCostPerMAtUtilization = SelfHostedFormulas.AtUtilization(inFull, u),
                OutputCostPerMAtUtilization = SelfHostedFormulas.AtUtilization(outFull, u),
                JoulesPerInputToken = inJ,
                JoulesPerOutputToken = outJ,
                EnergyCostPerMInput = EnergyPerM(inJ),
                EnergyCostPerMOutput = EnergyPerM(outJ),
                MeetsSlo = slo is null ? null : check?.Met ?? false,
                SloViolations = check is null ? (slo is null ? [] : ["not measured"]) : check.Violated.Select(v => v.ToString()).ToList(),
                SyntheticWeights = run.Model.Synthetic,
            });
        }
        return list;
    }
}

/// <summary>The traffic a cost is worked out for: a request rate, or a given utilization, or neither (full use).</summary>
internal sealed record TrafficSpec(double? RequestsPerDay, double PeakToMean, double? Utilization)
{
    /// <summary>u at a machine of this capacity: mean / (ceil(peak / C) x C), or the given utilization, or 1.</summary>
    public double UtilizationAt(double capacityPerHour)
    {
        if (Utilization is { } u) return u;
        if (RequestsPerDay is not { } rpd) return 1;
        double mean = rpd / SelfHostedFormulas.HoursPerDay;
        return SelfHostedFormulas.Utilization(mean, SelfHostedFormulas.Machines(mean * PeakToMean, capacityPerHour), capacityPerHour);
    }

    public string Describe() => Utilization is { } u
        ? $"utilization {u:0.##} as given (one machine busy {u * 100:0.#}% of the time)"
        : RequestsPerDay is { } rpd
            ? $"traffic {rpd:N0} requests/day, peak {PeakToMean:0.##} x mean: machines = ceil(peak / each point's capacity for the workload)"
            : "no traffic given: full use (100% busy) assumed";
}
