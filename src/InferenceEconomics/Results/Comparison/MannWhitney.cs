namespace InferenceEconomics.Results.Comparison;

/// <summary>Outcome of a two-sided Mann-Whitney U test.</summary>
/// <param name="U">min(U1, U2).</param>
/// <param name="U1">U of the first sample: pairs (x, y) with x &gt; y, ties counting one half.</param>
/// <param name="Method">"exact" (permutation distribution), "normal" (approximation with tie and continuity correction) or "none" (a sample was empty).</param>
/// <param name="MinimumPValue">The smallest p-value these sample sizes can give at all (exact: 2 / C(n1+n2, n1)).</param>
internal sealed record MannWhitneyResult(double U, double U1, double PValue, string Method, double MinimumPValue);

/// <summary>
/// Two-sided Mann-Whitney U (Wilcoxon rank-sum) test. Exact when there are no ties and the
/// samples are small (the permutation distribution is counted), otherwise the normal
/// approximation with the tie-corrected variance and a continuity correction.
/// </summary>
internal static class MannWhitney
{
    /// <summary>Largest n1 x n2 for which the exact distribution is counted (50 x 50).</summary>
    public const int ExactLimit = 2500;

    public static MannWhitneyResult Test(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n1 = x.Count, n2 = y.Count;
        if (n1 == 0 || n2 == 0) return new MannWhitneyResult(double.NaN, double.NaN, 1.0, "none", 1.0);

        // U1 by direct pair counting: simple, exact, and n is small (repetitions).
        double u1 = 0;
        foreach (var a in x)
            foreach (var b in y)
                u1 += a > b ? 1 : a == b ? 0.5 : 0;
        double u2 = (double)n1 * n2 - u1;
        double u = Math.Min(u1, u2);

        var tieGroups = TieGroupSizes(x.Concat(y));
        bool ties = tieGroups.Any(t => t > 1);
        double minimumP = Math.Min(1.0, 2.0 / Choose(n1 + n2, n1));

        if (!ties && (long)n1 * n2 <= ExactLimit)
        {
            // P(U <= u) under H0 from the counted distribution; two-sided doubles the smaller tail.
            var counts = ExactCounts(n1, n2);
            double total = Choose(n1 + n2, n1), tail = 0;
            for (int k = 0; k <= (int)Math.Floor(u); k++) tail += counts[k];
            return new MannWhitneyResult(u, u1, Math.Min(1.0, 2 * tail / total), "exact", minimumP);
        }

        int n = n1 + n2;
        double mean = n1 * (double)n2 / 2;
        double tieTerm = tieGroups.Sum(t => (double)t * t * t - t);
        double variance = n1 * (double)n2 / 12 * ((n + 1) - tieTerm / ((double)n * (n - 1)));
        if (variance <= 0) return new MannWhitneyResult(u, u1, 1.0, "normal", minimumP); // every value equal
        double z = Math.Max(0, Math.Abs(u1 - mean) - 0.5) / Math.Sqrt(variance);
        double p = Math.Min(1.0, Erfc(z / Math.Sqrt(2)));
        return new MannWhitneyResult(u, u1, p, "normal", minimumP);
    }

    /// <summary>counts[u] = number of orderings of n1 + n2 distinct values whose U equals u.</summary>
    internal static double[] ExactCounts(int n1, int n2)
    {
        // f(n1, n2, u) = f(n1 - 1, n2, u - n2) + f(n1, n2 - 1, u): the largest value is either
        // from the first sample (it beats all n2) or from the second (beats nothing).
        var table = new double[n1 + 1, n2 + 1][];
        for (int i = 0; i <= n1; i++)
            for (int j = 0; j <= n2; j++)
            {
                var f = new double[i * j + 1];
                if (i == 0 || j == 0) f[0] = 1;
                else
                {
                    var a = table[i - 1, j];
                    var b = table[i, j - 1];
                    for (int k = 0; k < f.Length; k++)
                        f[k] = (k - j >= 0 && k - j < a.Length ? a[k - j] : 0) + (k < b.Length ? b[k] : 0);
                }
                table[i, j] = f;
            }
        return table[n1, n2];
    }

    internal static double Choose(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return Math.Round(r);
    }

    private static List<int> TieGroupSizes(IEnumerable<double> values) =>
        values.GroupBy(v => v).Select(g => g.Count()).ToList();

    /// <summary>Complementary error function, fractional error below 1.2e-7 (enough for p-values).</summary>
    internal static double Erfc(double x)
    {
        // Numerical Recipes' erfcc: a Chebyshev fit with fractional error below 1.2e-7 everywhere.
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                   t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                   t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
