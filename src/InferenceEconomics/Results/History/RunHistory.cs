using InferenceEconomics.Metrics;
using System.Globalization;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Results.History;

/// <summary>Which past runs to list. Text filters are case-insensitive substrings.</summary>
public sealed record HistoryFilter
{
    /// <summary>Matches the model name or the real model a synthetic one copies.</summary>
    public string? Model { get; init; }
    /// <summary>Matches a GPU name, the hardware label, or "cpu" for CPU runs.</summary>
    public string? Gpu { get; init; }
    public DateTimeOffset? Since { get; init; }
    public int? BatchSize { get; init; }
    public int? PromptTokens { get; init; }
    public int? GenTokens { get; init; }
}

/// <summary>One past run with the chosen metric at the reference scenario (null when that scenario is absent or failed).</summary>
public sealed record HistoryEntry(string Folder, RunIdentity Run, int Scenarios, RunStatus Status, double? Value);

public sealed record SkippedRun(string Folder, string Reason);

public sealed record HistoryReport(
    string ResultsDir,
    Metric Metric,
    string? ScenarioKey,
    IReadOnlyList<HistoryEntry> Entries,
    IReadOnlyList<SkippedRun> Skipped);

/// <summary>
/// Past runs under results/: filtered, oldest first, with one metric at one reference scenario
/// (B, P, G) so that values over time are comparable. The reference is the scenario present in
/// most runs (ties: smallest B, then P, then G) unless the filter names B, P or G.
/// </summary>
public static class RunHistory
{
    public static HistoryReport Load(string resultsDir, Metric metric, HistoryFilter? filter = null)
    {
        filter ??= new HistoryFilter();
        var runs = new List<(string Folder, RunResult Result)>();
        var skipped = new List<SkippedRun>();
        foreach (var (folder, result, error) in ResultStore.Scan(resultsDir))
        {
            if (result is null) { skipped.Add(new SkippedRun(folder, error ?? "unreadable")); continue; }
            if (Matches(result, filter)) runs.Add((folder, result));
        }
        runs.Sort((a, b) => a.Result.StartedUtc.CompareTo(b.Result.StartedUtc));

        var key = ReferenceScenario(runs.Select(r => r.Result), filter);
        var entries = runs.Select(r =>
        {
            var s = key is null ? null : r.Result.Scenarios.FirstOrDefault(x => x.Status == ScenarioStatus.Ok && RunIdentity.ScenarioKey(x) == key);
            return new HistoryEntry(r.Folder, RunIdentity.Of(r.Result), r.Result.Scenarios.Count, r.Result.Status,
                s is null ? null : metric.Headline(s));
        }).ToList();
        return new HistoryReport(resultsDir, metric, key, entries, skipped);
    }

    public static bool Matches(RunResult r, HistoryFilter f)
    {
        if (f.Since is { } since && r.StartedUtc < since) return false;
        if (f.Model is { Length: > 0 } m && !Has(r.Model.Name, m) && !Has(r.Model.SyntheticOf, m) && !Has(r.Config.ModelSpec, m)) return false;
        if (f.Gpu is { Length: > 0 } g)
        {
            bool cpuRun = !r.Engine.Device.IsCuda;
            bool hit = (cpuRun && g.Equals("cpu", StringComparison.OrdinalIgnoreCase))
                || (!cpuRun && r.Environment.Gpus.Any(x => Has(x.Name, g)))
                || Has(RunIdentity.HardwareOf(r), g);
            if (!hit) return false;
        }
        return true;
    }

    private static string? ReferenceScenario(IEnumerable<RunResult> runs, HistoryFilter f) =>
        runs.SelectMany(r => r.Scenarios.Where(s => s.Status == ScenarioStatus.Ok).DistinctBy(RunIdentity.ScenarioKey))
            .Where(s => (f.BatchSize is null || s.BatchSize == f.BatchSize) && (f.PromptTokens is null || s.PromptTokens == f.PromptTokens) && (f.GenTokens is null || s.GenTokens == f.GenTokens))
            .GroupBy(s => (s.BatchSize, s.PromptTokens, s.GenTokens))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.BatchSize).ThenBy(g => g.Key.PromptTokens).ThenBy(g => g.Key.GenTokens)
            .Select(g => RunIdentity.ScenarioKey(g.First()))
            .FirstOrDefault();

    /// <summary>"2026-11-02" or an ISO 8601 time; a date without zone is UTC.</summary>
    public static DateTimeOffset? ParseSince(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static bool Has(string? haystack, string needle) => haystack?.Contains(needle, StringComparison.OrdinalIgnoreCase) == true;
}
