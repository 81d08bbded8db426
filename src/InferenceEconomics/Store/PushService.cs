using InferenceEconomics.Results;

namespace InferenceEconomics.Store;

/// <summary>One run offered to the store: where it came from, and what happened (or why it was skipped).</summary>
public sealed record PushItem(string Source, PushOutcome? Outcome, string? SkippedBecause);

public sealed record PushReport(IReadOnlyList<PushItem> Items)
{
    public int Count(PushStatus s) => Items.Count(i => i.Outcome?.Status == s);
    public int Skipped => Items.Count(i => i.SkippedBecause is not null);
    public IEnumerable<PushItem> Conflicts => Items.Where(i => i.Outcome?.Status == PushStatus.Conflict);
}

/// <summary>push: run folders into the store, by name or every one under a results folder (backfill).</summary>
public static class PushService
{
    /// <summary>Runs per transaction: a backfill of thousands of runs commits in steps, each all-or-nothing.</summary>
    public const int BatchSize = 100;

    /// <summary>Named runs (folders or result.json files): all are read first, so one invalid run stops the push before anything is stored.</summary>
    public static PushReport Push(IResultStore store, IReadOnlyList<string> runs, PushOptions? options = null)
    {
        var docs = runs.Select(r => (Source: r, Doc: StoredDocument.Load(r))).ToList();
        var items = new List<PushItem>();
        foreach (var chunk in docs.Chunk(BatchSize))
        {
            var outcomes = store.Push(chunk.Select(c => c.Doc).ToList(), options);
            items.AddRange(chunk.Select((c, i) => new PushItem(c.Source, outcomes[i], null)));
        }
        return new PushReport(items);
    }

    /// <summary>
    /// Every run folder under <paramref name="resultsDir"/>. Unreadable folders, and runs whose status is
    /// "running" (still being written, or their process died), are skipped with the reason.
    /// </summary>
    public static PushReport Backfill(IResultStore store, string resultsDir, PushOptions? options = null)
    {
        if (!Directory.Exists(resultsDir))
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"no results folder at '{resultsDir}'; run ./run.sh first or pass --results DIR");
        var items = new List<PushItem>();
        var folders = Directory.GetDirectories(resultsDir).Order(StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(d, ResultStore.ResultFileName))).ToList();
        foreach (var chunk in folders.Chunk(BatchSize))
        {
            var batch = new List<(string Folder, StoredDocument Doc)>();
            foreach (var folder in chunk)
            {
                try
                {
                    var doc = StoredDocument.Load(folder);
                    if (doc.Result.Status is RunStatus.Running or RunStatus.Abandoned)
                        items.Add(new PushItem(folder, null, "status 'running' (still being written, or its process died); push it by name to store it as it is"));
                    else batch.Add((folder, doc));
                }
                catch (InferenceEconomicsException e) { items.Add(new PushItem(folder, null, e.Message)); }
                catch (System.Text.Json.JsonException e) { items.Add(new PushItem(folder, null, e.Message)); }
            }
            if (batch.Count == 0) continue;
            var outcomes = store.Push(batch.Select(b => b.Doc).ToList(), options);
            items.AddRange(batch.Select((b, i) => new PushItem(b.Folder, outcomes[i], null)));
        }
        return new PushReport(items);
    }
}
