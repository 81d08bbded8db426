using InferenceEconomics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>What an SLO bound limits (docs/metrics.md "Interactivity frontier and SLOs").</summary>
public enum SloMetric
{
    /// <summary>Time to first token, per repetition.</summary>
    Ttft,
    /// <summary>Inter-token latency: every decode step of every repetition.</summary>
    Itl,
    /// <summary>Time per output token: the mean decode step of each repetition.</summary>
    Tpot,
    /// <summary>End-to-end time of a request, per repetition.</summary>
    E2e,
    /// <summary>Per-user output tokens per second = 1 / TPOT (the percentile is TPOT's: p90 = the speed 90% reach).</summary>
    PerUserTps,
}

/// <summary>Which side of the limit is good.</summary>
public enum SloComparison { AtMost, Below, AtLeast, Above }

/// <summary>
/// One bound: a percentile of a metric against a limit (seconds for latencies, tokens/s for
/// per-user speed), e.g. ttft_p90 &lt;= 0.5 s.
/// </summary>
public readonly record struct SloBound(SloMetric Metric, double Percentile, SloComparison Comparison, double Limit)
{
    public bool IsLatency => Metric != SloMetric.PerUserTps;

    /// <summary>"ttft_p90", "per_user_tps" (the median is written without a suffix).</summary>
    public string Name => MetricName(Metric) + (Percentile == 50 ? "" : "_p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture));

    public string Operator => Comparison switch { SloComparison.AtMost => "<=", SloComparison.Below => "<", SloComparison.AtLeast => ">=", _ => ">" };

    /// <summary>The limit as written: milliseconds for latencies, tok/s for speed.</summary>
    public string LimitText => FormatValue(Limit);

    /// <summary>A measured value in this bound's unit ("620 ms", "18.2 tok/s").</summary>
    public string FormatValue(double v) => IsLatency
        ? (v * 1000).ToString(v * 1000 >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) + " ms"
        : v.ToString(v >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) + " tok/s";

    public override string ToString() => $"{Name}{Operator}{(IsLatency ? (Limit * 1000).ToString("0.###", CultureInfo.InvariantCulture) + "ms" : Limit.ToString("0.###", CultureInfo.InvariantCulture))}";

    public bool Met(double value) => Comparison switch
    {
        SloComparison.AtMost => value <= Limit,
        SloComparison.Below => value < Limit,
        SloComparison.AtLeast => value >= Limit,
        _ => value > Limit,
    };

    /// <summary>Relative margin to the limit: 0.2 = 20% of the limit to spare, negative = violated. The smallest margin binds.</summary>
    public double Slack(double value) => IsLatency ? (Limit - value) / Limit : (value - Limit) / Limit;

    internal static string MetricName(SloMetric m) => m switch
    {
        SloMetric.Ttft => "ttft",
        SloMetric.Itl => "itl",
        SloMetric.Tpot => "tpot",
        SloMetric.E2e => "e2e",
        _ => "per_user_tps",
    };
}

/// <summary>A bound's measured value at one scenario and whether it holds.</summary>
public sealed record SloBoundCheck(SloBound Bound, double Measured, bool Met, double Slack)
{
    public override string ToString() => $"{Bound.Name} {Bound.FormatValue(Measured)} {(Met ? "meets" : "violates")} {Bound.Operator} {Bound.LimitText}";
}

/// <summary>Every bound of an SLO checked at one scenario.</summary>
public sealed record SloCheck(IReadOnlyList<SloBoundCheck> Bounds)
{
    public bool Met => Bounds.All(b => b.Met);
    /// <summary>The bound with the least margin: the one that limits the batch size.</summary>
    public SloBoundCheck Binding => Bounds.MinBy(b => b.Slack)!;
    public IReadOnlyList<SloBoundCheck> Violated => Bounds.Where(b => !b.Met).ToList();
}

/// <summary>
/// A service-level objective: bounds on latency percentiles and per-user speed, parsed from
/// "ttft_p90&lt;=500ms,itl_p99&lt;=50ms,per_user_tps&gt;=20". An immutable value: two SLOs with the same
/// bounds in the same order are equal.
/// </summary>
public sealed class Slo : IEquatable<Slo>
{
    /// <summary>The settings field errors are reported under.</summary>
    public const string Field = "Slo";

    public IReadOnlyList<SloBound> Bounds { get; }

    public Slo(IEnumerable<SloBound> bounds)
    {
        Bounds = bounds.ToList();
        if (Bounds.Count == 0) throw new ArgumentException("an SLO needs at least one bound", nameof(bounds));
    }

    public override string ToString() => string.Join(",", Bounds);
    public bool Equals(Slo? other) => other is not null && Bounds.SequenceEqual(other.Bounds);
    public override bool Equals(object? obj) => Equals(obj as Slo);
    public override int GetHashCode() => Bounds.Aggregate(17, (h, b) => h * 31 + b.GetHashCode());

    // name: metric with an optional _pNN percentile; operator; number; optional unit.
    private static readonly Regex Item = new(@"^\s*([a-z][a-z0-9_]*?)(?:_p(\d+(?:\.\d+)?))?\s*(<=|>=|<|>|=<|=>)\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*([a-zA-Zµ/]*)\s*$", RegexOptions.CultureInvariant);

    /// <summary>Parses the text or throws a <see cref="ValidationException"/> listing every bad item (field "Slo").</summary>
    public static Slo Parse(string text)
    {
        if (TryParse(text, out var slo, out var errors)) return slo!;
        throw new ValidationException(errors);
    }

    public static bool TryParse(string? text, out Slo? slo, out IReadOnlyList<ValidationError> errors)
    {
        slo = null;
        var v = new Validator();
        var bounds = new List<SloBound>();
        var items = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0)
            v.Add(Field, text ?? "", "is empty", "give bounds such as ttft_p90<=500ms,itl_p99<=50ms,per_user_tps>=20");
        foreach (var item in items)
        {
            var m = Item.Match(item.ToLowerInvariant().Replace("µs", "us"));
            if (!m.Success)
            {
                v.Add(Field, item, "is not a bound", "write NAME[_pNN] <= or >= VALUE[unit], e.g. ttft_p90<=500ms or per_user_tps>=20");
                continue;
            }
            string name = m.Groups[1].Value;
            SloMetric? metric = name switch
            {
                "ttft" => SloMetric.Ttft, "itl" => SloMetric.Itl, "tpot" => SloMetric.Tpot, "e2e" or "e2el" => SloMetric.E2e,
                "per_user_tps" or "tps_per_user" or "interactivity" => SloMetric.PerUserTps, _ => null,
            };
            if (metric is null)
            {
                v.Add(Field, item, $"'{name}' is not a metric an SLO can bound", "use ttft, itl, tpot, e2e or per_user_tps, each with an optional _p50/_p90/_p99");
                continue;
            }
            double pct = 50;
            if (m.Groups[2].Success)
            {
                pct = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                if (!(pct > 0 && pct < 100)) { v.Add(Field, item, $"percentile p{m.Groups[2].Value} is outside 0..100", "write p50, p90, p99 or p99.9"); continue; }
            }
            var comparison = m.Groups[3].Value switch
            {
                "<=" or "=<" => SloComparison.AtMost, "<" => SloComparison.Below, ">=" or "=>" => SloComparison.AtLeast, _ => SloComparison.Above,
            };
            double number = double.Parse(m.Groups[4].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            string unit = m.Groups[5].Value;
            bool latency = metric != SloMetric.PerUserTps;
            double limit;
            if (latency)
            {
                double? scale = unit switch { "" or "ms" => 1e-3, "s" => 1, "us" => 1e-6, _ => null };
                if (scale is null) { v.Add(Field, item, $"unit '{unit}' is not a time unit", "write ms, s or us (a bare number is milliseconds)"); continue; }
                limit = number * scale.Value;
                if (comparison is SloComparison.AtLeast or SloComparison.Above)
                { v.Add(Field, item, "a latency bound is an upper limit", $"write {name}{(m.Groups[2].Success ? "_p" + m.Groups[2].Value : "")}<={m.Groups[4].Value}{unit}"); continue; }
            }
            else
            {
                if (unit is not ("" or "tok/s" or "tps" or "t/s")) { v.Add(Field, item, $"unit '{unit}' is not tokens per second", "write a bare number, e.g. per_user_tps>=20"); continue; }
                limit = number;
                if (comparison is SloComparison.AtMost or SloComparison.Below)
                { v.Add(Field, item, "per-user speed is a lower limit", "write per_user_tps>=VALUE"); continue; }
            }
            if (!(limit > 0) || !double.IsFinite(limit)) { v.Add(Field, item, "the limit must be above 0"); continue; }
            var bound = new SloBound(metric.Value, pct, comparison, limit);
            if (bounds.Any(b => b.Metric == bound.Metric && b.Percentile == bound.Percentile))
            { v.Add(Field, item, $"{bound.Name} is bounded twice", "keep one bound per metric and percentile"); continue; }
            bounds.Add(bound);
        }
        errors = v.Errors;
        if (errors.Count > 0) return false;
        slo = new Slo(bounds);
        return true;
    }

    /// <summary>Every bound checked against the scenario's measured figures; null when the scenario has none.</summary>
    public SloCheck? Check(ScenarioResult s)
    {
        var list = new List<SloBoundCheck>();
        foreach (var b in Bounds)
        {
            if (Measured(s, b.Metric, b.Percentile) is not { } value) return null;
            list.Add(new SloBoundCheck(b, value, b.Met(value), b.Slack(value)));
        }
        return new SloCheck(list);
    }

    /// <summary>
    /// A metric's percentile at a scenario: the stored summary for p50/p90/p99 (what the reports show), else the
    /// same interpolated percentile of the raw samples. Per-user speed at pNN is 1 / TPOT at pNN.
    /// </summary>
    public static double? Measured(ScenarioResult s, SloMetric metric, double percentile)
    {
        if (metric == SloMetric.PerUserTps)
            return Measured(s, SloMetric.Tpot, percentile) is { } tpot && tpot > 0 ? 1 / tpot : null;
        var summary = s.Summary is null ? null : metric switch
        {
            SloMetric.Ttft => MetricCatalog.Ttft.SummaryOf(s),
            SloMetric.Itl => MetricCatalog.Itl.SummaryOf(s),
            SloMetric.Tpot => MetricCatalog.Tpot.SummaryOf(s),
            _ => MetricCatalog.E2e.SummaryOf(s),
        };
        double? fromSummary = summary is null ? null : percentile switch { 50 => summary.Median, 90 => summary.P90, 99 => summary.P99, _ => null };
        if (fromSummary is { } f && double.IsFinite(f)) return f;
        IEnumerable<double> raw = metric switch
        {
            SloMetric.Ttft => s.Repetitions.Select(r => r.TtftSeconds),
            SloMetric.Itl => s.Repetitions.SelectMany(r => r.StepSeconds),
            SloMetric.Tpot => s.Repetitions.Where(r => r.StepSeconds.Count > 0).Select(r => r.StepSeconds.Average()),
            _ => s.Repetitions.Select(r => r.E2eSeconds),
        };
        var sorted = raw.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? null : Statistics.Percentile(sorted, percentile / 100);
    }
}
