using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>
/// Capacity of one machine for the workload's requests, worked out from one measured scenario:
/// measured when the scenario ran exactly the workload's prompt and generated tokens, otherwise
/// scaled from its per-token times (always: there is no "close enough" band). Other measured
/// shapes at the same batch size give their own estimates: their range is the spread.
/// </summary>
public sealed record CapacityEstimate
{
    /// <summary>The measured scenario the figure comes from.</summary>
    public required string ScenarioId { get; init; }
    public required int BatchSize { get; init; }
    /// <summary>True when the scenario's P and G are the workload's: the measured e2e is used as is.</summary>
    public required bool Measured { get; init; }
    /// <summary>Seconds one batch of B workload requests keeps the machine busy, and the prefill part of it.</summary>
    public required double BatchSeconds { get; init; }
    public required double PrefillSeconds { get; init; }
    /// <summary>C = 3600 x B / BatchSeconds requests per hour.</summary>
    public required double CapacityPerHour { get; init; }
    /// <summary>Lowest and highest capacity estimated from every measured shape at this batch size; null when only one shape was measured.</summary>
    public double? CapacityLow { get; init; }
    public double? CapacityHigh { get; init; }
    /// <summary>The scenarios behind the spread (this one included).</summary>
    public IReadOnlyList<string> SpreadFrom { get; init; } = [];
}

internal static class WorkloadCapacity
{
    /// <summary>The estimate from <paramref name="s"/>, with the spread over the measured shapes of <paramref name="usable"/> at the same batch size.</summary>
    public static CapacityEstimate For(ScenarioResult s, WorkloadSpec w, IEnumerable<ScenarioResult> usable)
    {
        var (seconds, prefill) = BatchSeconds(s, w);
        var estimate = new CapacityEstimate
        {
            ScenarioId = s.Id,
            BatchSize = s.BatchSize,
            Measured = Matches(s, w),
            BatchSeconds = seconds,
            PrefillSeconds = prefill,
            CapacityPerHour = SelfHostedFormulas.CapacityPerHour(s.BatchSize, seconds),
        };
        var neighbours = usable.Where(n => n.BatchSize == s.BatchSize && (n.PromptTokens, n.GenTokens) != (s.PromptTokens, s.GenTokens))
            .GroupBy(n => (n.PromptTokens, n.GenTokens)).Select(g => g.First()).ToList();
        if (estimate.Measured || neighbours.Count == 0) return estimate;
        var all = neighbours.Prepend(s).Select(n => (n.Id, C: SelfHostedFormulas.CapacityPerHour(n.BatchSize, BatchSeconds(n, w).Seconds))).ToList();
        return estimate with { CapacityLow = all.Min(x => x.C), CapacityHigh = all.Max(x => x.C), SpreadFrom = all.Select(x => x.Id).ToList() };
    }

    /// <summary>True when the scenario measured exactly the workload's prompt and generated tokens.</summary>
    public static bool Matches(ScenarioResult s, WorkloadSpec w) => s.PromptTokens == w.InputTokens && s.GenTokens == w.GeneratedTokens;

    /// <summary>
    /// Seconds one batch of B workload requests keeps the machine busy, and its prefill part: the measured
    /// medians when the scenario matches the workload, else prefill x P_w / P + first-token selection +
    /// (G_w - 1) x TPOT (attention growth with context not modelled).
    /// </summary>
    public static (double Seconds, double Prefill) BatchSeconds(ScenarioResult s, WorkloadSpec w)
    {
        if (Matches(s, w)) return (s.Median(MetricCatalog.E2e), s.Median(MetricCatalog.PrefillTime));
        double prefill = s.Median(MetricCatalog.PrefillTime) * w.InputTokens / s.PromptTokens;
        double seconds = prefill + Math.Max(0, s.Median(MetricCatalog.Ttft) - s.Median(MetricCatalog.PrefillTime)) + s.Median(MetricCatalog.Tpot) * Math.Max(0, w.GeneratedTokens - 1);
        return (seconds, prefill);
    }
}
