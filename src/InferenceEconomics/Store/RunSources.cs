using InferenceEconomics.Metrics;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;

namespace InferenceEconomics.Store;

/// <summary>
/// Where commands read runs from: run folders under results/ or the results store. Every command
/// that reads past runs (history, compare, report, and later frontier) goes through this, so a new
/// reader works on both.
/// </summary>
public interface IRunSource : IDisposable
{
    /// <summary>What it reads, printable: a folder path, or the store (password redacted).</summary>
    string Description { get; }

    /// <summary>Runs matching the filter, with their scenarios (and one metric's values when given); unreadable ones in Skipped.</summary>
    RunQueryResult Query(HistoryFilter filter, Metric? metric = null);

    /// <summary>One run by reference: a run folder name (folders) or a run id (store). ResultInvalid when absent.</summary>
    RunResult Load(string reference);
}

public sealed record RunQueryResult(IReadOnlyList<HistoryRun> Runs, IReadOnlyList<SkippedRun> Skipped);

/// <summary>Run folders under a results folder (result.json in each).</summary>
public sealed class FolderRunSource : IRunSource
{
    public string ResultsDir { get; }

    public FolderRunSource(string resultsDir) => ResultsDir = resultsDir;

    public string Description => ResultsDir;

    public RunQueryResult Query(HistoryFilter filter, Metric? metric = null)
    {
        if (!Directory.Exists(ResultsDir))
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"no results folder at '{ResultsDir}'; run ./run.sh first or pass --results DIR");
        var (runs, skipped) = RunHistory.Scan(ResultsDir, filter, metric);
        return new RunQueryResult(runs, skipped);
    }

    /// <summary>A path to a run folder or result.json, or a run folder name under the results folder.</summary>
    public RunResult Load(string reference)
    {
        if (File.Exists(reference) || Directory.Exists(reference)) return ResultStore.Load(reference);
        var under = Path.Combine(ResultsDir, reference);
        return ResultStore.Load(Directory.Exists(under) ? under : reference);
    }

    public void Dispose() { }
}

/// <summary>The results store as a run source: references are run ids.</summary>
public sealed class StoreRunSource(IResultStore store) : IRunSource
{
    public IResultStore Store => store;
    public string Description => store.Description;

    public RunQueryResult Query(HistoryFilter filter, Metric? metric = null) => new(store.Query(filter, metric), []);

    public RunResult Load(string reference) => store.Load(reference)
        ?? throw new InferenceEconomicsException(ErrorKind.ResultInvalid,
            $"no run '{reference}' in the results store {store.Description}; ./run.sh history --store … lists its runs (the run column is the id)");

    public void Dispose() => store.Dispose();
}

/// <summary>What commands ask of a run source: history, the latest matching run.</summary>
public static class RunSourceQueries
{
    public static HistoryReport History(this IRunSource source, Metric metric, HistoryFilter filter)
    {
        var q = source.Query(filter, metric);
        return RunHistory.Build(source.Description, metric, filter, q.Runs, q.Skipped);
    }

    /// <summary>The most recent run matching the filter (start time, then run id), loaded; ResultInvalid when none matches.</summary>
    public static (HistoryRun Run, RunResult Result) Latest(this IRunSource source, HistoryFilter filter)
    {
        var latest = source.Query(filter).Runs.Order(HistoryRun.Chronological).LastOrDefault()
            ?? throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"no runs match {Describe(filter)} in {source.Description}");
        return (latest, source.Load(latest.Location));
    }

    public static string Describe(HistoryFilter filter) => filter.Describe() is { Length: > 0 } d ? d : "(no filter)";
}
