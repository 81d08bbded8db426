namespace InferenceEconomics.Benchmarks;

/// <summary>
/// Side-by-side timing for a shared, noisy machine: every round runs each variant once, in a
/// fresh random order, so slow drift hits all variants alike; the figure quoted is the median of
/// per-round time ratios to the baseline (the first variant). BenchmarkDotNet runs variants one
/// after the other, which on a busy 2-core box drifts more than the 1% effects measured here.
/// </summary>
public static class PairedComparison
{
    /// <summary>A variant returns the seconds of its timed section (setup excluded).</summary>
    public sealed record Variant(string Name, Func<double> TimedSeconds);

    public sealed record Row(string Name, double MedianSeconds, double MedianRatioToBaseline, double RatioP25, double RatioP75);

    public static IReadOnlyList<Row> Run(IReadOnlyList<Variant> variants, int rounds, int warmupRounds = 2, int seed = 42) =>
        RunMetrics(variants.Select(v => new MetricVariant(v.Name, () => [v.TimedSeconds()])).ToList(), 1, rounds, warmupRounds, seed)[0];

    /// <summary>A variant that yields several figures per round (e.g. prefill and decode tokens/s of one repetition).</summary>
    public sealed record MetricVariant(string Name, Func<double[]> Measure);

    /// <summary>As <see cref="Run"/> for several figures per round; one row list per figure, ratios to the first variant.</summary>
    public static IReadOnlyList<IReadOnlyList<Row>> RunMetrics(IReadOnlyList<MetricVariant> variants, int metrics, int rounds, int warmupRounds = 2, int seed = 42)
    {
        var values = variants.Select(_ => Enumerable.Range(0, metrics).Select(_ => new List<double>()).ToArray()).ToArray();
        var rng = new Random(seed);
        for (int r = -warmupRounds; r < rounds; r++)
            foreach (int i in Enumerable.Range(0, variants.Count).OrderBy(_ => rng.Next()))
            {
                var m = variants[i].Measure();
                if (r >= 0) for (int k = 0; k < metrics; k++) values[i][k].Add(m[k]);
            }
        return Enumerable.Range(0, metrics).Select(k => (IReadOnlyList<Row>)variants.Select((v, i) =>
        {
            var ratios = values[i][k].Select((x, n) => x / values[0][k][n]).Order().ToArray();
            return new Row(v.Name, Median(values[i][k]), Median(ratios), Quantile(ratios, 0.25), Quantile(ratios, 0.75));
        }).ToList()).ToList();
    }

    public static void Print(string title, IReadOnlyList<Row> rows, Func<double, string>? throughput = null)
    {
        Console.WriteLine(title);
        Console.WriteLine("| variant | median time ms | " + (throughput is null ? "" : "throughput | ") + "median per-round time ratio (p25..p75) | throughput change |");
        Console.WriteLine("|---|---:|" + (throughput is null ? "" : "---:|") + "---:|---:|");
        foreach (var r in rows)
            Console.WriteLine(FormattableString.Invariant(
                $"| {r.Name} | {r.MedianSeconds * 1e3:F2} | {(throughput is null ? "" : throughput(r.MedianSeconds) + " | ")}{r.MedianRatioToBaseline:F4} ({r.RatioP25:F4}..{r.RatioP75:F4}) | {(1 / r.MedianRatioToBaseline - 1) * 100:+0.00;-0.00} % |"));
    }

    private static double Median(IEnumerable<double> x) => Quantile(x.Order().ToArray(), 0.5);

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)pos, hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
