namespace InferenceEconomics.Metrics;

/// <summary>
/// Every metric of a static-batch scenario, declared once (docs/metrics.md; docs/metrics.md). The stop rule,
/// the summaries in result.json, every exporter's columns, compare, history and the charts read this
/// list. Adding a metric is adding one entry here; append, so CSV columns are only ever appended.
/// </summary>
public static class MetricCatalog
{
    public static Metric PrefillTps { get; } = new()
    {
        Id = "prefill_tps", Unit = Unit.TokensPerSecond, Better = Better.Higher, SummaryKey = "prefill_tps",
        Definition = "prefill throughput: B x P / prefill_time, per repetition",
        Compute = s => s.Repetitions.Select(r => s.BatchSize * (double)s.PromptTokens / r.PrefillSeconds),
        Views = [new(Stat.Median, "prefill t/s", "prefill_tps_median", Format: "0.0", WithCi: true),
                 new(Stat.CiLow, null, "prefill_tps_ci_low"), new(Stat.CiHigh, null, "prefill_tps_ci_high")],
        StopRule = true, CompareByDefault = true, Chart = ChartGroup.Throughput,
    };

    public static Metric DecodeTps { get; } = new()
    {
        Id = "decode_tps", Unit = Unit.TokensPerSecond, Better = Better.Higher, SummaryKey = "decode_tps",
        Definition = "decode throughput: B x (G - 1) / sum(step_time), per repetition",
        Compute = s => s.Repetitions.Select(r => s.BatchSize * (s.GenTokens - 1.0) / r.StepSeconds.Sum()),
        Views = [new(Stat.Median, "decode t/s", "decode_tps_median", Format: "0.0", WithCi: true),
                 new(Stat.CiLow, null, "decode_tps_ci_low"), new(Stat.CiHigh, null, "decode_tps_ci_high")],
        StopRule = true, CompareByDefault = true, Chart = ChartGroup.Throughput,
    };

    public static Metric OutputTps { get; } = new()
    {
        Id = "output_tps", Unit = Unit.TokensPerSecond, Better = Better.Higher, SummaryKey = "output_tps",
        Definition = "output throughput of the whole request: B x G / e2e, per repetition",
        Compute = s => s.Repetitions.Select(r => s.BatchSize * (double)s.GenTokens / r.E2eSeconds),
        Views = [new(Stat.Median, null, "output_tps_median")],
    };

    public static Metric Ttft { get; } = new()
    {
        Id = "ttft", Unit = Unit.Seconds, Better = Better.Lower, SummaryKey = "ttft_seconds",
        Definition = "time to first token: prefill + selection of the first token, per repetition; load level: first token chunk - send, per finished request",
        Compute = s => s.Load is { } l ? l.Requests.Where(r => r.Ok && r.TtftSeconds is not null).Select(r => r.TtftSeconds!.Value) : s.Repetitions.Select(r => r.TtftSeconds),
        Views = [new(Stat.Median, "TTFT ms", "ttft_ms_p50", 1000, "0.00"), new(Stat.P90, null, "ttft_ms_p90", 1000),
                 new(Stat.P99, null, "ttft_ms_p99", 1000)],
        CompareByDefault = true, Chart = ChartGroup.Latency,
    };

    /// <summary>Inter-token latency: every decode step of every repetition, pooled (its percentiles are the ITL columns).</summary>
    public static Metric Itl { get; } = new()
    {
        Id = "itl", Unit = Unit.Seconds, Better = Better.Lower, SummaryKey = "itl_seconds", Kind = SampleKind.Pooled,
        Definition = "inter-token latency: each decode step i = 1..G-1, pooled over repetitions; load level: every gap between token chunks of every finished request",
        Compute = s => s.Load is { } l ? l.Requests.Where(r => r.Ok).SelectMany(r => r.ItlSeconds) : s.Repetitions.SelectMany(r => r.StepSeconds),
        Views = [new(Stat.Median, "ITL p50 ms", "itl_ms_p50", 1000), new(Stat.P90, "ITL p90 ms", "itl_ms_p90", 1000),
                 new(Stat.P99, "ITL p99 ms", "itl_ms_p99", 1000)],
    };

    public static Metric Tpot { get; } = new()
    {
        Id = "tpot", Unit = Unit.Seconds, Better = Better.Lower, SummaryKey = "tpot_seconds",
        Definition = "time per output token: mean decode step = (e2e - ttft) / (G - 1), per repetition; load level: (E2EL - TTFT) / (output tokens - 1) per finished request with more than one output token",
        Compute = s => s.Load is { } l ? l.Requests.Where(r => r.TpotSeconds is not null).Select(r => r.TpotSeconds!.Value) : s.Repetitions.Select(r => r.StepSeconds.Sum() / (s.GenTokens - 1.0)),
        Views = [new(Stat.Median, "TPOT ms", "tpot_ms_median", 1000)],
    };

    public static Metric E2e { get; } = new()
    {
        Id = "e2e", Unit = Unit.Seconds, Better = Better.Lower, SummaryKey = "e2e_seconds",
        Definition = "end to end: ttft + sum(step_time), per repetition; load level (E2EL): last token chunk - send, per finished request",
        Compute = s => s.Load is { } l ? l.Requests.Where(r => r.Ok && r.E2eSeconds is not null).Select(r => r.E2eSeconds!.Value) : s.Repetitions.Select(r => r.E2eSeconds),
        Views = [new(Stat.Median, "E2E s", "e2e_s_median")],
    };

    public static Metric PrefillTime { get; } = new()
    {
        Id = "prefill_time", Unit = Unit.Seconds, Better = Better.Lower, SummaryKey = "prefill_seconds",
        Definition = "the forward pass over the B x P prompt, per repetition",
        Compute = s => s.Repetitions.Select(r => r.PrefillSeconds),
    };

    /// <summary>Per-repetition percentiles of the steps, so two runs' ITL tails can be tested; the headline is the pooled figure.</summary>
    public static Metric ItlP50 { get; } = new()
    {
        Id = "itl_p50", Unit = Unit.Seconds, Better = Better.Lower, HeadlineFrom = Itl, Headline = Stat.Median,
        Definition = "median decode step within each repetition (headline: pooled over repetitions)",
        Compute = s => s.Repetitions.Where(r => r.StepSeconds.Count > 0).Select(r => Statistics.Quantile(r.StepSeconds, 0.50)),
        Chart = ChartGroup.Latency,
    };

    public static Metric ItlP99 { get; } = new()
    {
        Id = "itl_p99", Unit = Unit.Seconds, Better = Better.Lower, HeadlineFrom = Itl, Headline = Stat.P99,
        Definition = "99th percentile decode step within each repetition (headline: pooled over repetitions)",
        Compute = s => s.Repetitions.Where(r => r.StepSeconds.Count > 0).Select(r => Statistics.Quantile(r.StepSeconds, 0.99)),
        CompareByDefault = true, Chart = ChartGroup.Latency,
    };

    // Energy is summed over all repetitions of a phase before dividing (docs/metrics.md "Energy"): one value per
    // scenario, so compare shows the ratio and says no test is possible.
    public static Metric PrefillJoulesPerToken { get; } = new()
    {
        Id = "prefill_j_per_token", Unit = Unit.JoulesPerToken, Better = Better.Lower, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "prefill energy / (B x P), summed over every measured source",
        Compute = s => JoulesPerToken(s, Phase.Prefill),
        Views = [new(Stat.Value, "prefill J/tok", "prefill_j_per_token", Format: "G3")],
        CompareByDefault = true, Missing = "not measured",
    };

    public static Metric DecodeJoulesPerToken { get; } = new()
    {
        Id = "decode_j_per_token", Unit = Unit.JoulesPerToken, Better = Better.Lower, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "decode energy / (B x (G - 1)), summed over every measured source",
        Compute = s => JoulesPerToken(s, Phase.Decode),
        Views = [new(Stat.Value, "decode J/tok", "decode_j_per_token", Format: "G3")],
        CompareByDefault = true, Missing = "not measured",
    };

    /// <summary>The prompt's cost per token in time: what one more prompt token adds to the time to first token.</summary>
    public static Metric PrefillMsPerToken { get; } = new()
    {
        Id = "prefill_ms_per_token", Unit = Unit.Seconds, Better = Better.Lower, SummaryKey = "prefill_seconds_per_token",
        Definition = "prefill time / (B x P), per repetition",
        Compute = s => s.Repetitions.Select(r => r.PrefillSeconds / (s.BatchSize * (double)s.PromptTokens)),
        Views = [new(Stat.Median, "prefill ms/tok", "prefill_ms_per_token_median", 1000, "0.####")],
    };

    // Load levels (docs/metrics.md "Serving under load"): one value per level over its measured window (warm-up excluded).
    public static Metric RequestThroughput { get; } = new()
    {
        Id = "request_throughput", Unit = Unit.RequestsPerSecond, Better = Better.Higher, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "load level: finished requests / window (first measured send to the last request's end)",
        Compute = s => Load(s, l => l.Completed / l.DurationSeconds),
        Views = [new(Stat.Value, null, "request_throughput")],
    };

    public static Metric ServedOutputTps { get; } = new()
    {
        Id = "served_output_tps", Unit = Unit.TokensPerSecond, Better = Better.Higher, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "load level: sum of output tokens (server usage) of finished requests / window",
        Compute = s => Load(s, l => l.Requests.Where(r => r.Ok).Sum(r => (double)r.OutputCount) / l.DurationSeconds),
        Views = [new(Stat.Value, null, "served_output_tps")],
    };

    public static Metric ServedTotalTps { get; } = new()
    {
        Id = "served_total_tps", Unit = Unit.TokensPerSecond, Better = Better.Higher, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "load level: sum of input + output tokens of finished requests / window",
        Compute = s => Load(s, l => l.Requests.Where(r => r.Ok).Sum(r => (double)(r.InputTokens ?? r.AskedInputTokens) + r.OutputCount) / l.DurationSeconds),
        Views = [new(Stat.Value, null, "served_total_tps")],
    };

    public static Metric GoodputRps { get; } = new()
    {
        Id = "goodput", Unit = Unit.RequestsPerSecond, Better = Better.Higher, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "load level: finished requests meeting every --slo bound (each request's own TTFT, TPOT, E2EL, ITL) / window",
        Compute = s => s.Load is { Slo: not null } l ? Load(s, _ => l.Requests.Count(r => r.MetSlo == true) / l.DurationSeconds) : [],
        Views = [new(Stat.Value, null, "goodput_rps")], Missing = "no SLO",
    };

    public static Metric ErrorFraction { get; } = new()
    {
        Id = "error_fraction", Unit = Unit.Fraction, Better = Better.Lower, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "load level: failed requests (any kind, timeouts included) / measured requests sent",
        Compute = s => s.Load is { Requests.Count: > 0 } l ? [l.Failed / (double)l.Requests.Count] : [],
        Views = [new(Stat.Value, null, "error_fraction")],
    };

    public static Metric TimeoutFraction { get; } = new()
    {
        Id = "timeout_fraction", Unit = Unit.Fraction, Better = Better.Lower, Kind = SampleKind.Aggregate, Headline = Stat.Value,
        Definition = "load level: requests that timed out (connect, first token, idle, total) / measured requests sent",
        Compute = s => s.Load is { Requests.Count: > 0 } l
            ? [l.Requests.Count(r => r.Error is LoadErrorKind.TimeoutConnect or LoadErrorKind.TimeoutFirstToken or LoadErrorKind.TimeoutIdle or LoadErrorKind.TimeoutTotal) / (double)l.Requests.Count]
            : [],
        Views = [new(Stat.Value, null, "timeout_fraction")],
    };

    /// <summary>Every metric, in the order tables and CSV show them. Append new metrics at the end.</summary>
    public static IReadOnlyList<Metric> All { get; } =
        [PrefillTps, DecodeTps, OutputTps, Ttft, Itl, Tpot, E2e, PrefillTime, ItlP50, ItlP99, PrefillJoulesPerToken, DecodeJoulesPerToken,
         PrefillMsPerToken, RequestThroughput, ServedOutputTps, ServedTotalTps, GoodputRps, ErrorFraction, TimeoutFraction];

    /// <summary>A load level's one figure, when the window has a length.</summary>
    private static IEnumerable<double> Load(ScenarioResult s, Func<LoadLevel, double> f) =>
        s.Load is { DurationSeconds: > 0 } l ? [f(l)] : [];

    public static IReadOnlyList<Metric> CompareDefaults { get; } = All.Where(m => m.CompareByDefault).ToList();

    /// <summary>Metrics a user can name (compare, history): every one but the pooled ones, which name their percentiles instead.</summary>
    public static IReadOnlyList<Metric> Nameable { get; } = All.Where(m => m.Comparable).ToList();

    /// <summary>A metric by id ("decode-tps" and case are forgiven); null when unknown.</summary>
    public static Metric? Find(string id) =>
        All.FirstOrDefault(m => string.Equals(m.Id, id.Trim().Replace('-', '_'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Summaries of every metric with a summary key, for result.json (a metric with no samples is left out, never NaN).</summary>
    public static IReadOnlyDictionary<string, SampleSummary> Summarize(ScenarioResult s)
    {
        var d = new Dictionary<string, SampleSummary>(StringComparer.Ordinal);
        foreach (var m in All)
            if (m.SummaryKey is { } key && Statistics.Summarize(m.Samples(s)) is { } summary)
                d[key] = summary;
        return d;
    }

    /// <summary>The stored summary of a metric in a scenario, else one computed from its raw samples.</summary>
    public static SampleSummary? SummaryOf(this Metric m, ScenarioResult s)
    {
        if (m.SummaryKey is { } key && s.Summary is { } stored && stored.TryGetValue(key, out var summary)) return summary;
        return m.Kind == SampleKind.Aggregate ? null : Statistics.Summarize(m.Samples(s));
    }

    /// <summary>One statistic of a metric in a scenario; null when not measured or not finite.</summary>
    public static double? Value(this Metric m, ScenarioResult s, Stat stat)
    {
        double? v;
        if (stat == Stat.Value || m.Kind == SampleKind.Aggregate)
        {
            var samples = m.Samples(s);
            v = samples.Count > 0 ? samples[0] : null;
        }
        else
        {
            var x = m.SummaryOf(s);
            v = x is null ? null : stat switch
            {
                Stat.Median => x.Median, Stat.Mean => x.Mean, Stat.P90 => x.P90, Stat.P99 => x.P99, Stat.Min => x.Min,
                Stat.Max => x.Max, Stat.CiLow => x.CiLow, Stat.CiHigh => x.CiHigh, Stat.N => x.N, _ => x.Median,
            };
        }
        return v is { } d && double.IsFinite(d) ? d : null;
    }

    /// <summary>The median of a metric in a finished scenario; NaN when it has none (callers check finished scenarios first).</summary>
    public static double Median(this ScenarioResult s, Metric m) => m.Value(s, Stat.Median) ?? double.NaN;

    /// <summary>The metric's one value (history, charts, compare's headline column).</summary>
    public static double? Headline(this Metric m, ScenarioResult s) =>
        (m.HeadlineFrom ?? m).Value(s, m.Headline) ?? (m.HeadlineFrom is null ? null : m.Value(s, Stat.Median));

    /// <summary>Phase J/token summed over sources (gpu0 + cpu-package ...): the energy of every measured device.</summary>
    private static IEnumerable<double> JoulesPerToken(ScenarioResult s, Phase phase)
    {
        var phases = s.Telemetry?.Phases.Where(p => p.Phase == phase && p.JoulesPerToken is not null).ToList();
        return phases is { Count: > 0 } ? [phases.Sum(p => p.JoulesPerToken!.Value)] : [];
    }
}
