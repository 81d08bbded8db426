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
    /// <summary>
    /// Half-width of the median's CI relative to the median (infinite for a median of 0). Derived from the fields above,
    /// so not written: a load level's ITL median is 0 when chunks arrive together, and a document holds finite numbers only.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double CiRelativeHalfWidth => Median == 0 ? double.PositiveInfinity : (CiHigh - CiLow) / 2 / Math.Abs(Median);
}
