using InferenceEconomics.Metrics;
using System.Globalization;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Results.History;

/// <summary>
/// Which past runs to list. Text filters match exactly, ignoring case and surrounding spaces
/// (<see cref="RunMatching"/>): "phi" does not match "phi-3-mini".
/// </summary>
public sealed record HistoryFilter
{
    /// <summary>The model name, the real model a synthetic one copies, or the --model the run was given.</summary>
    public string? Model { get; init; }
    /// <summary>"cpu" for CPU runs; a GPU's name as NVML reports it; a hardware-catalog id or alias (h100, h200, l40s); the hardware label.</summary>
    public string? Gpu { get; init; }
    /// <summary>The host name the run recorded.</summary>
    public string? Host { get; init; }
    /// <summary>Weight precision: fp32, fp16, int4.</summary>
    public string? Precision { get; init; }
    /// <summary>Engine: genai, ort.</summary>
    public string? Engine { get; init; }
    /// <summary>Runs started at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Runs started before this instant (exclusive; <see cref="RunHistory.ParseUntil"/> turns a date into the end of that day).</summary>
    public DateTimeOffset? Until { get; init; }
    public int? BatchSize { get; init; }
    public int? PromptTokens { get; init; }
    public int? GenTokens { get; init; }

    /// <summary>The run filters that are set, as "model=phi-3-mini, gpu=h100" (empty when none).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        void Add(string name, string? v) { if (!string.IsNullOrWhiteSpace(v)) parts.Add($"{name}={v.Trim()}"); }
        Add("model", Model); Add("gpu", Gpu); Add("host", Host); Add("precision", Precision); Add("engine", Engine);
        if (Since is { } s) parts.Add($"since={s.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        if (Until is { } u) parts.Add($"until={u.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        return string.Join(", ", parts);
    }
}

/// <summary>One past run with the chosen metric at the reference scenario (null when that scenario is absent or failed).</summary>
public sealed record HistoryEntry(string Folder, RunIdentity Run, int Scenarios, string Status, double? Value);

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
        var (runs, skipped) = Scan(resultsDir, filter ?? new HistoryFilter(), metric);
        return Build(resultsDir, metric, filter, runs, skipped);
    }

    /// <summary>Run folders under <paramref name="resultsDir"/> that match, with one metric's values (none when null); unreadable ones skipped with the reason.</summary>
    public static (List<HistoryRun> Runs, List<SkippedRun> Skipped) Scan(string resultsDir, HistoryFilter filter, Metric? metric)
    {
        var runs = new List<HistoryRun>();
        var skipped = new List<SkippedRun>();
        foreach (var (folder, result, error) in ResultStore.Scan(resultsDir))
        {
            if (result is null) skipped.Add(new SkippedRun(folder, error ?? "unreadable"));
            else if (Matches(result, filter)) runs.Add(HistoryRun.Of(folder, result, metric));
        }
        return (runs, skipped);
    }

    /// <summary>
    /// The history of runs already filtered, from any source (folders, the results store): sorted
    /// oldest first, the reference scenario chosen, each run's value there.
    /// </summary>
    public static HistoryReport Build(string source, Metric metric, HistoryFilter? filter, IEnumerable<HistoryRun> matching, IReadOnlyList<SkippedRun> skipped)
    {
        filter ??= new HistoryFilter();
        var runs = matching.Order(HistoryRun.Chronological).ToList();
        var key = ReferenceScenario(runs, filter);
        var entries = runs.Select(r =>
        {
            var s = key is null ? null : r.Scenarios.FirstOrDefault(x => x.Ok && (x.BatchSize, x.PromptTokens, x.GenTokens) == key);
            return new HistoryEntry(r.Location, r.Run, r.ScenarioCount, r.Status, s?.Value);
        }).ToList();
        return new HistoryReport(source, metric, key is { } k ? RunIdentity.ScenarioKey(k.B, k.P, k.G) : null, entries, skipped);
    }

    public static bool Matches(RunResult r, HistoryFilter f) => RunMatching.Matches(RunFacts.Of(r), f);

    private static (int B, int P, int G)? ReferenceScenario(IEnumerable<HistoryRun> runs, HistoryFilter f) =>
        runs.SelectMany(r => r.Scenarios.Where(s => s.Ok).Select(s => (B: s.BatchSize, P: s.PromptTokens, G: s.GenTokens)).Distinct())
            .Where(s => (f.BatchSize is null || s.B == f.BatchSize) && (f.PromptTokens is null || s.P == f.PromptTokens) && (f.GenTokens is null || s.G == f.GenTokens))
            .GroupBy(s => s)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.B).ThenBy(g => g.Key.P).ThenBy(g => g.Key.G)
            .Select(g => ((int, int, int)?)g.Key)
            .FirstOrDefault();

    /// <summary>"2026-11-02" or an ISO 8601 time; a date without zone is UTC.</summary>
    public static DateTimeOffset? ParseSince(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>The exclusive end of --until: a date alone ("2026-11-05") means up to the end of that day (UTC).</summary>
    public static DateTimeOffset? ParseUntil(string text) =>
        ParseSince(text) is not { } t ? null
        : DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? t.AddDays(1) : t;
}
