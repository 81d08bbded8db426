using InferenceEconomics.Metrics;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Results.History;

/// <summary>
/// A run as history needs it, from a folder or the results store: where it is (folder or run id),
/// who it is, and each scenario (document order) with one metric's value.
/// </summary>
public sealed record HistoryRun(string Location, RunIdentity Run, string Status, int ScenarioCount, IReadOnlyList<HistoryScenario> Scenarios)
{
    public static HistoryRun Of(string location, RunResult r, Metric? metric) =>
        new(location, RunIdentity.Of(r), Words.Of(r.Status), r.Scenarios.Count,
            r.Scenarios.Select(s => new HistoryScenario(s.BatchSize, s.PromptTokens, s.GenTokens, s.Status == ScenarioStatus.Ok,
                metric is null || s.Status != ScenarioStatus.Ok ? null : metric.Headline(s))).ToList());

    /// <summary>Oldest first; runs started at the same instant by run id (ordinal), so every source lists them alike.</summary>
    public static IComparer<HistoryRun> Chronological { get; } = Comparer<HistoryRun>.Create((a, b) =>
    {
        int c = a.Run.StartedUtc.UtcTicks.CompareTo(b.Run.StartedUtc.UtcTicks);
        return c != 0 ? c : string.CompareOrdinal(a.Run.RunId, b.Run.RunId);
    });
}

/// <summary>One scenario of a <see cref="HistoryRun"/>: B, P, G, whether it ran ("ok"), the metric's headline value.</summary>
public sealed record HistoryScenario(int BatchSize, int PromptTokens, int GenTokens, bool Ok, double? Value);
