namespace InferenceEconomics.Schema;

/// <summary>Descriptive statistics of one metric over repetitions (docs/metrics.md "Statistics").</summary>
public sealed record SampleSummary(
    int N,
    double Mean,
    double Median,
    double P90,
    double P99,
    double Stdev,
    double Cv,
    double Min,
    double Max,
    double CiLow,
    double CiHigh)
{
    /// <summary>Half-width of the median's CI relative to the median.</summary>
    public double CiRelativeHalfWidth => Median == 0 ? double.PositiveInfinity : (CiHigh - CiLow) / 2 / Math.Abs(Median);
}
