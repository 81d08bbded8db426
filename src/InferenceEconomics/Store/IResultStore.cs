using InferenceEconomics.Metrics;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;

namespace InferenceEconomics.Store;

/// <summary>
/// The results store: every run's whole result document plus rows per run, GPU, scenario and metric
/// for queries. One interface, two implementations of it (<see cref="SqlResultStore"/> on SQLite and
/// on PostgreSQL). Opening one creates and migrates its schema (<see cref="StoreMigrations"/>).
/// Pushing is idempotent and safe from many machines at once. Failures are
/// <see cref="ErrorKind.StoreUnavailable"/> with the password redacted.
/// </summary>
public interface IResultStore : IDisposable
{
    /// <summary>Where the store is, printable (password redacted).</summary>
    string Description { get; }
    StoreKind Kind { get; }
    /// <summary>The schema version after opening (= <see cref="StoreMigrations.Latest"/>).</summary>
    int SchemaVersion { get; }

    /// <summary>Stores documents, each keyed by run id and content hash; one transaction per call. Never throws for a conflict: it is an outcome.</summary>
    IReadOnlyList<PushOutcome> Push(IReadOnlyList<StoredDocument> documents, PushOptions? options = null);

    /// <summary>The stored document of a run, or null when the store has no such run id.</summary>
    RunResult? Load(string runId);

    /// <summary>Runs matching the filter (exact matching, as <see cref="RunMatching"/>), each with its scenarios and, when given, one metric's value per scenario.</summary>
    IReadOnlyList<HistoryRun> Query(HistoryFilter filter, Metric? metric);

    /// <summary>Runs a scheduler job pushed (job label as <see cref="SchedulerJob.Label"/>), by task.</summary>
    IReadOnlyList<StoredRunInfo> RunsOfJob(string job);

    /// <summary>How many runs the store holds.</summary>
    long Count();
}

public enum PushStatus
{
    /// <summary>A new run id: stored.</summary>
    Stored,
    /// <summary>The same run id with the same content hash: nothing to do (one record kept).</summary>
    AlreadyStored,
    /// <summary>The run id was stored with other content, and that record was replaced: it had status "running" (a snapshot of an unfinished run) or the push asked to replace.</summary>
    Replaced,
    /// <summary>The run id is stored with other content: nothing changed.</summary>
    Conflict,
}

public sealed record PushOutcome(string RunId, PushStatus Status, string Sha256, string? StoredSha256 = null);

public sealed record PushOptions
{
    /// <summary>Replace a stored run whose content differs (otherwise <see cref="PushStatus.Conflict"/>).</summary>
    public bool Replace { get; init; }
    /// <summary>The scheduler job that produced the runs (Slurm array task, Kubernetes index), recorded beside them.</summary>
    public SchedulerJob? Job { get; init; }
}

/// <summary>A stored run without its document: what status views need.</summary>
public sealed record StoredRunInfo(string RunId, string Status, DateTimeOffset StartedUtc, string Host, string Model, string? Job, int? JobTask, DateTimeOffset PushedUtc);
