namespace InferenceEconomics.Metrics;

/// <summary>Descriptive statistics used for every summary (docs/metrics.md "Statistics").</summary>
internal static class Statistics
{
    /// <summary>Percentile by linear interpolation between closest ranks (q in [0,1]) of sorted data.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        if (sorted.Count == 1) return sorted[0];
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>
    /// Distribution-free 95% CI of the median from order statistics: the widest symmetric ranks
    /// (j, n+1-j) whose binomial(n, 1/2) coverage is still at least 95%. For n &lt; 6 no such pair
    /// exists, so the interval is [min, max] (coverage 1 - 2^(1-n)).
    /// </summary>
    public static (double Low, double High) MedianConfidenceInterval(IReadOnlyList<double> sorted)
    {
        int n = sorted.Count;
        if (n == 0) return (double.NaN, double.NaN);
        // P(X < j) for X ~ Bin(n, 0.5); choose the largest j with 2 * P(X <= j-1) <= 0.05.
        double cumulative = 0, term = Math.Pow(0.5, n); // P(X = 0)
        int j = 0;
        for (int k = 0; k < n; k++)
        {
            cumulative += term;
            if (2 * cumulative > 0.05) break;
            j = k + 1;
            term = term * (n - k) / (k + 1);
        }
        // j is the 1-based rank: the interval is [x(j), x(n+1-j)].
        if (j <= 1) return (sorted[0], sorted[n - 1]);
        return (sorted[j - 1], sorted[n - j]);
    }

    /// <summary>Quantile q of unsorted values (same interpolation as <see cref="Percentile"/>).</summary>
    public static double Quantile(IEnumerable<double> values, double q) => Percentile(values.Order().ToArray(), q);

    /// <summary>The summary of the finite values; null when there are none (a summary never holds NaN).</summary>
    public static SampleSummary? Summarize(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        int n = sorted.Length;
        if (n == 0) return null;
        double mean = sorted.Average();
        double stdev = n > 1 ? Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / (n - 1)) : 0;
        var (lo, hi) = MedianConfidenceInterval(sorted);
        return new SampleSummary(n, mean, Percentile(sorted, 0.5), Percentile(sorted, 0.9), Percentile(sorted, 0.99),
            stdev, mean == 0 ? 0 : stdev / mean, sorted[0], sorted[^1], lo, hi);
    }
}
