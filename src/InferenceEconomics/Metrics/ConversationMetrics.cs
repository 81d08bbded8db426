namespace InferenceEconomics.Metrics;

/// <summary>A metric of one conversation turn (docs/metrics.md "Conversation turns"): declared once, summarised in result.json under its key.</summary>
public sealed record TurnMetric(string Id, string SummaryKey, Unit Unit, Better Better, string Definition, Func<TurnMeasurement, IEnumerable<double>> Compute);

/// <summary>
/// The metrics of a conversation measurement (run --workload with a conversation), one entry each. They are
/// per turn, not per scenario, so they live beside <see cref="MetricCatalog"/> rather than in its scenario list.
/// </summary>
public static class ConversationMetrics
{
    public static TurnMetric IncrementalPrefill { get; } = new("incremental_prefill", "incremental_prefill_seconds", Unit.Seconds, Better.Lower,
        "prefill of a turn's new tokens on top of the kept history (KV reuse), per round", t => t.IncrementalPrefillSeconds);

    public static TurnMetric FullPrefill { get; } = new("full_prefill", "full_prefill_seconds", Unit.Seconds, Better.Lower,
        "prefill of the turn's whole context on a fresh sequence (no reuse), per round", t => t.FullPrefillSeconds);

    public static TurnMetric IncrementalPrefillTps { get; } = new("incremental_prefill_tps", "incremental_prefill_tps", Unit.TokensPerSecond, Better.Higher,
        "new tokens / incremental prefill time, per round", t => t.IncrementalPrefillSeconds.Select(s => t.NewTokens / s));

    public static TurnMetric KvReuseRatio { get; } = new("kv_reuse_ratio", "kv_reuse_ratio", new Unit("x", "x", 1, "0.###"), Better.Lower,
        "incremental prefill / full prefill of the same turn in the same round (below 1: reuse saves time)",
        t => t.IncrementalPrefillSeconds.Zip(t.FullPrefillSeconds, (a, b) => a / b));

    public static IReadOnlyList<TurnMetric> All { get; } = [IncrementalPrefill, FullPrefill, IncrementalPrefillTps, KvReuseRatio];

    /// <summary>A turn's summaries keyed by <see cref="TurnMetric.SummaryKey"/> (metrics with no finite value left out).</summary>
    public static IReadOnlyDictionary<string, SampleSummary> Summarize(TurnMeasurement t)
    {
        var d = new Dictionary<string, SampleSummary>();
        foreach (var m in All)
            if (Statistics.Summarize(m.Compute(t)) is { } s) d[m.SummaryKey] = s;
        return d;
    }
}
