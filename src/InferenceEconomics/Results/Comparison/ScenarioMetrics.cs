namespace InferenceEconomics.Results.Comparison;

/// <summary>Which way is better for a metric.</summary>
public enum Better { Higher, Lower }

/// <summary>
/// A metric of one scenario (METRICS.md names): its per-repetition raw samples (what the
/// statistical test compares) and its headline value (the stored summary's median where the
/// result has one, so reports and history agree with report.md).
/// </summary>
public sealed record MetricDefinition(
    string Name,
    string Unit,
    Better Better,
    string Description,
    Func<ScenarioResult, IReadOnlyList<double>> Samples,
    Func<ScenarioResult, double?> Headline);

public static class ScenarioMetrics
{
    public static MetricDefinition PrefillTps { get; } = new("prefill_tps", "tok/s", Better.Higher,
        "B x P / prefill_time, per repetition",
        s => s.Repetitions.Where(r => r.PrefillSeconds > 0).Select(r => s.BatchSize * (double)s.PromptTokens / r.PrefillSeconds).ToList(),
        s => s.Summary?.PrefillTps.Median);

    public static MetricDefinition DecodeTps { get; } = new("decode_tps", "tok/s", Better.Higher,
        "B x (G - 1) / sum(step_time), per repetition",
        s => s.Repetitions.Where(r => r.StepSeconds.Count > 0 && r.StepSeconds.Sum() > 0)
              .Select(r => s.BatchSize * (double)r.StepSeconds.Count / r.StepSeconds.Sum()).ToList(),
        s => s.Summary?.DecodeTps.Median);

    public static MetricDefinition OutputTps { get; } = new("output_tps", "tok/s", Better.Higher,
        "B x G / e2e, per repetition",
        s => s.Repetitions.Where(r => r.E2eSeconds > 0).Select(r => s.BatchSize * (double)s.GenTokens / r.E2eSeconds).ToList(),
        s => s.Summary?.OutputTps.Median);

    public static MetricDefinition Ttft { get; } = new("ttft", "s", Better.Lower,
        "prefill + first-token selection, per repetition",
        s => s.Repetitions.Select(r => r.TtftSeconds).ToList(),
        s => s.Summary?.TtftSeconds.Median);

    public static MetricDefinition ItlP50 { get; } = new("itl_p50", "s", Better.Lower,
        "median decode step time within each repetition (headline: pooled over repetitions)",
        s => s.Repetitions.Where(r => r.StepSeconds.Count > 0).Select(r => Percentile(r.StepSeconds, 0.50)).ToList(),
        s => s.Summary?.ItlSeconds.Median);

    public static MetricDefinition ItlP99 { get; } = new("itl_p99", "s", Better.Lower,
        "99th percentile decode step time within each repetition (headline: pooled over repetitions)",
        s => s.Repetitions.Where(r => r.StepSeconds.Count > 0).Select(r => Percentile(r.StepSeconds, 0.99)).ToList(),
        s => s.Summary?.ItlSeconds.P99);

    public static MetricDefinition Tpot { get; } = new("tpot", "s", Better.Lower,
        "mean decode step time, per repetition",
        s => s.Repetitions.Where(r => r.StepSeconds.Count > 0).Select(r => r.StepSeconds.Average()).ToList(),
        s => s.Summary?.TpotSeconds.Median);

    public static MetricDefinition E2e { get; } = new("e2e", "s", Better.Lower,
        "ttft + sum(step_time), per repetition",
        s => s.Repetitions.Select(r => r.E2eSeconds).ToList(),
        s => s.Summary?.E2eSeconds.Median);

    // Energy is stored per phase summed over all repetitions (METRICS.md "Energy"), so there is
    // one aggregate value per run: the test cannot reject with n = 1 and says so.
    public static MetricDefinition PrefillJoulesPerToken { get; } = new("prefill_j_per_token", "J/tok", Better.Lower,
        "prefill energy / (B x P), summed over measured sources (one aggregate per run)",
        s => JoulesPerToken(s, "prefill") is { } j ? [j] : [],
        s => JoulesPerToken(s, "prefill"));

    public static MetricDefinition DecodeJoulesPerToken { get; } = new("decode_j_per_token", "J/tok", Better.Lower,
        "decode energy / (B x (G - 1)), summed over measured sources (one aggregate per run)",
        s => JoulesPerToken(s, "decode") is { } j ? [j] : [],
        s => JoulesPerToken(s, "decode"));

    /// <summary>Every metric, in report order.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
        [PrefillTps, DecodeTps, OutputTps, Ttft, ItlP50, ItlP99, Tpot, E2e, PrefillJoulesPerToken, DecodeJoulesPerToken];

    /// <summary>What `compare` tests by default (issue 6): throughput, TTFT, ITL p99 and energy when present.</summary>
    public static IReadOnlyList<MetricDefinition> CompareDefaults { get; } =
        [PrefillTps, DecodeTps, Ttft, ItlP99, PrefillJoulesPerToken, DecodeJoulesPerToken];

    public static MetricDefinition? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name.Replace('-', '_'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Headline value, or the median of the raw samples when the result has no summary.</summary>
    public static double? Value(MetricDefinition metric, ScenarioResult scenario)
    {
        if (metric.Headline(scenario) is { } h && double.IsFinite(h)) return h;
        var samples = metric.Samples(scenario);
        return samples.Count > 0 ? Median(samples) : null;
    }

    /// <summary>Phase J/token summed over sources (gpu0 + cpu-package ...): energy of every measured device.</summary>
    public static double? JoulesPerToken(ScenarioResult s, string phase)
    {
        var phases = s.Telemetry?.Phases.Where(p => p.Phase == phase && p.JoulesPerToken is not null).ToList();
        return phases is { Count: > 0 } ? phases.Sum(p => p.JoulesPerToken!.Value) : null;
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

    /// <summary>Linear interpolation between closest ranks (the common "type 7" definition).</summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
