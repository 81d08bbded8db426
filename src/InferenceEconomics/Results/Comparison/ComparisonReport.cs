using InferenceEconomics.Metrics;


namespace InferenceEconomics.Results.Comparison;

/// <summary>Faster / Same / Slower ("faster"... in JSON): "Slower" means worse in the metric's own direction (also for J/token).</summary>
public enum Verdict { Faster, Same, Slower }

public sealed record ComparisonOptions
{
    /// <summary>Relative change of the medians below which a difference is "Same" (0.05 = 5%).</summary>
    public double Threshold { get; init; } = 0.05;
    /// <summary>Significance level of the two-sided Mann-Whitney test.</summary>
    public double Alpha { get; init; } = 0.05;
    /// <summary>Metrics to compare; null = MetricCatalog.CompareDefaults.</summary>
    public IReadOnlyList<Metric>? Metrics { get; init; }
    /// <summary>$/hour of the baseline and candidate machines, when both are priced: adds tokens per dollar.</summary>
    public double? BaselinePricePerHour { get; init; }
    public double? CandidatePricePerHour { get; init; }
}

/// <summary>One metric of one matched scenario. Ratio = candidate median / baseline median.</summary>
public sealed record MetricComparison(
    string Metric,
    string Unit,
    Better Better,
    int BaselineN,
    int CandidateN,
    double BaselineMedian,
    double CandidateMedian,
    double Ratio,
    double PValue,
    string Test,
    Verdict Verdict,
    string? Note);

/// <summary>Output tokens per dollar of rent at full use: output_tps x 3600 / ($/hour).</summary>
public sealed record TokensPerDollar(double Baseline, double Candidate, double Ratio);

public sealed record ScenarioComparison(
    string Key,
    string BaselineScenarioId,
    string CandidateScenarioId,
    int BatchSize,
    int PromptTokens,
    int GenTokens,
    IReadOnlyList<MetricComparison> Metrics,
    TokensPerDollar? TokensPerDollar);

/// <summary>Geometric mean over matched scenarios of one metric's ratio of medians.</summary>
public sealed record GeometricMean(string Metric, Better Better, double Ratio, int Scenarios);

public sealed record UnmatchedScenario(string Side, string ScenarioId, string Key, string Reason);

public sealed record ComparisonReport
{
    public required string BaselinePath { get; init; }
    public required string CandidatePath { get; init; }
    public required RunIdentity Baseline { get; init; }
    public required RunIdentity Candidate { get; init; }
    public required double Threshold { get; init; }
    public required double Alpha { get; init; }
    public required IReadOnlyList<ScenarioComparison> Scenarios { get; init; }
    public required IReadOnlyList<GeometricMean> GeometricMeans { get; init; }
    public required IReadOnlyList<UnmatchedScenario> Unmatched { get; init; }
    /// <summary>Honesty labels of either run (synthetic weights ...) and notes on the comparison.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public int SlowerCount => Scenarios.Sum(s => s.Metrics.Count(m => m.Verdict == Verdict.Slower));
    public int FasterCount => Scenarios.Sum(s => s.Metrics.Count(m => m.Verdict == Verdict.Faster));
    /// <summary>True when any metric of any matched scenario is Slower: the CI failure condition.</summary>
    public bool Regressed => SlowerCount > 0;
}
