namespace InferenceEconomics.Load;

/// <summary>Open-loop arrival times: seeded exponential gaps (Poisson process) or constant gaps, first arrival at 0.</summary>
internal static class Arrivals
{
    /// <summary>The n arrival offsets in seconds for <paramref name="rate"/> requests per second.</summary>
    public static double[] Offsets(ArrivalKind kind, double rate, int n, int seed)
    {
        var t = new double[n];
        var rng = new Random(seed);
        double at = 0;
        for (int i = 0; i < n; i++)
        {
            t[i] = at;
            at += Gap(kind, rate, rng);
        }
        return t;
    }

    /// <summary>One gap: -ln(U)/rate with U in (0, 1] (inverse CDF of the exponential), or 1/rate.</summary>
    public static double Gap(ArrivalKind kind, double rate, Random rng) =>
        kind == ArrivalKind.Constant ? 1 / rate : -Math.Log(1 - rng.NextDouble()) / rate;
}
