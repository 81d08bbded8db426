using System.Globalization;

namespace InferenceEconomics.Metrics;

/// <summary>Which way is better for a metric.</summary>
public enum Better { Higher, Lower }

/// <summary>How a metric's samples relate to the repetitions of a scenario.</summary>
public enum SampleKind
{
    /// <summary>One value per measured repetition: summarised, used by the stop rule and tested by compare.</summary>
    PerRepetition,
    /// <summary>Every value of every repetition pooled (ITL: all decode steps): summarised, not tested.</summary>
    Pooled,
    /// <summary>One value for the whole scenario (energy is summed over repetitions before dividing): shown, compared by ratio only.</summary>
    Aggregate,
}

/// <summary>A statistic of a metric's samples (a <see cref="SampleSummary"/> field, or the aggregate itself).</summary>
public enum Stat { Median, Mean, P90, P99, Min, Max, CiLow, CiHigh, N, Value }

/// <summary>The chart a metric is drawn on, against batch size (one line per prompt length).</summary>
public enum ChartGroup { Throughput, Latency }

/// <summary>
/// A unit: the one the samples are in (<see cref="Symbol"/>, SI: s, tok/s, J/tok) and how it is displayed
/// (times in ms). <see cref="Format"/> is the one number format for that unit everywhere text is shown.
/// </summary>
public sealed record Unit(string Symbol, string DisplaySymbol, double DisplayScale, string DisplayFormat)
{
    public static Unit TokensPerSecond { get; } = new("tok/s", "tok/s", 1, "0.0");
    public static Unit Seconds { get; } = new("s", "ms", 1000, "0.###");
    public static Unit JoulesPerToken { get; } = new("J/tok", "J/tok", 1, "0.####");
    public static Unit RequestsPerSecond { get; } = new("req/s", "req/s", 1, "0.###");
    /// <summary>A share of requests, 0..1, shown as a percentage.</summary>
    public static Unit Fraction { get; } = new("1", "%", 100, "0.##");

    /// <summary>A value in this unit as display text with its symbol ("12.345 ms").</summary>
    public string Format(double value) =>
        (value * DisplayScale).ToString(DisplayFormat, CultureInfo.InvariantCulture) + " " + DisplaySymbol;
}

/// <summary>
/// One column of a metric in the run tables: a statistic, its table header (null: CSV only) and its CSV name
/// (null: table only), the display scale and digits. <see cref="WithCi"/> appends "± x%" (the median's CI).
/// </summary>
public sealed record MetricView(Stat Stat, string? Header, string? CsvName, double Scale = 1, string Format = "0.###", bool WithCi = false);

/// <summary>
/// One metric, declared once in <see cref="MetricCatalog"/>: what it is, how it is computed from a
/// scenario's raw repetitions, how it is summarised (result.json), shown (report tables, CSV, HTML),
/// tested (compare), tracked (history) and charted. Everything else reads these fields.
/// </summary>
public sealed record Metric
{
    /// <summary>The name users type (compare --metrics, history --metric) and docs/metrics.md lists.</summary>
    public required string Id { get; init; }
    /// <summary>Its definition in words and symbols (B batch, P prompt, G generated tokens).</summary>
    public required string Definition { get; init; }
    public required Unit Unit { get; init; }
    public required Better Better { get; init; }
    /// <summary>Raw values in <see cref="Unit"/>'s SI symbol; non-finite values are dropped by the catalog.</summary>
    public required Func<ScenarioResult, IEnumerable<double>> Compute { get; init; }
    public SampleKind Kind { get; init; } = SampleKind.PerRepetition;
    /// <summary>The key of its summary in result.json ("summary": {"decode_tps": {...}}); null: not stored.</summary>
    public string? SummaryKey { get; init; }
    /// <summary>The statistic that is "the" value of the metric (history, charts, compare's headline).</summary>
    public Stat Headline { get; init; } = Stat.Median;
    /// <summary>Where the headline is read from when another metric's stored summary holds it (per-repetition ITL p99 → the pooled ITL's p99).</summary>
    public Metric? HeadlineFrom { get; init; }
    /// <summary>Columns in report.md, report.html and scenarios.csv, in order.</summary>
    public IReadOnlyList<MetricView> Views { get; init; } = [];
    /// <summary>Part of the stop rule: repetitions go on until this metric's median CI is within the target.</summary>
    public bool StopRule { get; init; }
    /// <summary>Tested by compare when no --metrics are named.</summary>
    public bool CompareByDefault { get; init; }
    public ChartGroup? Chart { get; init; }
    /// <summary>What a table shows when the scenario has no value (e.g. "not measured" for energy).</summary>
    public string Missing { get; init; } = "";

    /// <summary>The finite raw values of this metric in one scenario (empty when it was not measured).</summary>
    public IReadOnlyList<double> Samples(ScenarioResult s) => Compute(s).Where(double.IsFinite).ToList();

    /// <summary>Compare tests per-repetition metrics; aggregates are compared by ratio only; pooled ones not at all.</summary>
    public bool Comparable => Kind != SampleKind.Pooled;

    public override string ToString() => Id;
}
