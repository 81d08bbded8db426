using InferenceEconomics.Metrics;
using System.Collections.Concurrent;
using System.Globalization;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;
using InferenceEconomics.Store;
using InferenceEconomics.Tests.Reporting;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Store;

/// <summary>The store on a real SQLite file and a real PostgreSQL database: idempotent push, concurrency, migrations.</summary>
public class StoreTests
{
    /// <summary>The same document: equal JSON, object keys in any order (PostgreSQL's JSONB keeps its own order).</summary>
    private static void AssertSameDocument(RunResult expected, RunResult actual) =>
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(ResultJson.Serialize(expected)),
            System.Text.Json.Nodes.JsonNode.Parse(ResultJson.Serialize(actual))), $"stored {actual.RunId} differs from what was pushed");

    /// <summary>The metric rows a stored run must have: one per scenario and nameable metric with a finite value, counted here.</summary>
    private static long MetricRows(RunResult run) =>
        run.Scenarios.Sum(sc => InferenceEconomics.Metrics.MetricCatalog.Nameable.Count(m => m.Headline(sc) is { } v && double.IsFinite(v)));

    [Fact] public void Sqlite_push_is_idempotent_and_conflicts_change_nothing() { using var b = new SqliteBackend(); PushIsIdempotent(b); }
    [PostgresFact] public void Postgres_push_is_idempotent_and_conflicts_change_nothing() { using var b = new PostgresBackend(); PushIsIdempotent(b); }

    [Fact] public void Sqlite_eight_concurrent_pushers_store_every_row_exactly_once() { using var b = new SqliteBackend(); ConcurrentPushers(b); }
    [PostgresFact] public void Postgres_eight_concurrent_pushers_store_every_row_exactly_once() { using var b = new PostgresBackend(); ConcurrentPushers(b); }

    [Fact] public void Sqlite_migrates_from_empty() { using var b = new SqliteBackend(); MigratesFromEmpty(b); }
    [Fact] public void Sqlite_migrates_a_version_1_store_with_its_runs() { using var b = new SqliteBackend(); MigratesFromV1(b); }
    [PostgresFact] public void Postgres_migrates_from_empty() { using var b = new PostgresBackend(); MigratesFromEmpty(b); }
    [PostgresFact] public void Postgres_migrates_a_version_1_store_with_its_runs() { using var b = new PostgresBackend(); MigratesFromV1(b); }

    private static void PushIsIdempotent(StoreBackend b)
    {
        var run = TestRuns.Build(seed: 7);
        using var store = b.Open();
        Assert.Equal(PushStatus.Stored, store.Push([StoredDocument.Of(run)])[0].Status);
        Assert.Equal(PushStatus.AlreadyStored, store.Push([StoredDocument.Of(run)])[0].Status);

        // The same run from its folder (the file as the run wrote it) has the same content hash.
        using var tmp = new TempDir();
        ResultStore.Save(run, tmp.Path);
        Assert.Equal(PushStatus.AlreadyStored, store.Push([StoredDocument.Load(tmp.Path)])[0].Status);

        Assert.Equal(1, store.Count());
        Assert.Equal(1, b.Scalar("SELECT COUNT(*) FROM ie_runs"));
        Assert.Equal(6, b.Scalar("SELECT COUNT(*) FROM ie_scenarios"));  // 3 batch sizes x 2 prompt lengths
        Assert.Equal(MetricRows(run), b.Scalar("SELECT COUNT(*) FROM ie_metrics"));   // every (scenario, nameable metric) with a value
        Assert.Equal(1, b.Scalar("SELECT COUNT(*) FROM ie_run_gpus"));
        AssertSameDocument(run, store.Load(run.RunId)!);

        // Same id, other content: a conflict; the stored document stays as it was.
        var slower = TestRuns.SlowDecode(run);
        var conflict = store.Push([StoredDocument.Of(slower)])[0];
        Assert.Equal(PushStatus.Conflict, conflict.Status);
        Assert.Equal(StoredDocument.Of(run).Sha256, conflict.StoredSha256);
        AssertSameDocument(run, store.Load(run.RunId)!);
        // Asked to replace: one record, the new content, its rows rebuilt.
        Assert.Equal(PushStatus.Replaced, store.Push([StoredDocument.Of(slower)], new PushOptions { Replace = true })[0].Status);
        AssertSameDocument(slower, store.Load(run.RunId)!);
        Assert.Equal((1L, 6L, (long)MetricRows(run)), (b.Scalar("SELECT COUNT(*) FROM ie_runs"), b.Scalar("SELECT COUNT(*) FROM ie_scenarios"), b.Scalar("SELECT COUNT(*) FROM ie_metrics")));

        // A snapshot of an unfinished run ("running") is superseded by the finished document without --replace.
        var finished = TestRuns.Build(seed: 8);
        Assert.Equal(PushStatus.Stored, store.Push([StoredDocument.Of(finished with { Status = RunStatus.Running })])[0].Status);
        Assert.Equal(PushStatus.Replaced, store.Push([StoredDocument.Of(finished)])[0].Status);
        Assert.Equal(RunStatus.Complete, store.Load("run-8")!.Status);
        Assert.Null(store.Load("run-404"));
        Assert.Equal(2, store.Count());
    }

    private static void ConcurrentPushers(StoreBackend b)
    {
        var d0 = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var docs = Enumerable.Range(1, 24)
            .Select(i => StoredDocument.Of(TestRuns.Build(seed: i, batches: [1, 8], prompts: [128], reps: 3, started: d0.AddHours(i), host: $"box-{i % 3}")))
            .ToList();
        var outcomes = new ConcurrentBag<PushOutcome>();
        var errors = new ConcurrentBag<Exception>();
        using var start = new Barrier(8);
        var pushers = Enumerable.Range(0, 8).Select(p => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                using var store = b.Open(); // eight first opens of an empty store: the schema is created once
                var mine = docs.OrderBy(_ => Random.Shared.Next()).ToList(); // every pusher in its own order
                foreach (var chunk in mine.Chunk(5))
                    foreach (var o in store.Push(chunk)) outcomes.Add(o);
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        foreach (var t in pushers) t.Start();
        foreach (var t in pushers) t.Join();
        Assert.Empty(errors);

        Assert.Equal(8 * 24, outcomes.Count);
        Assert.Equal(24, outcomes.Count(o => o.Status == PushStatus.Stored));
        Assert.Equal(7 * 24, outcomes.Count(o => o.Status == PushStatus.AlreadyStored));
        Assert.Equal(24, outcomes.Where(o => o.Status == PushStatus.Stored).Select(o => o.RunId).Distinct().Count());
        Assert.Equal(24, b.Scalar("SELECT COUNT(*) FROM ie_runs"));
        Assert.Equal(24, b.Scalar("SELECT COUNT(DISTINCT run_id) FROM ie_runs"));
        Assert.Equal(48, b.Scalar("SELECT COUNT(*) FROM ie_scenarios"));            // 24 runs x 2 scenarios
        Assert.Equal(24 * MetricRows(TestRuns.Build(batches: [1, 8], prompts: [128], reps: 3)), b.Scalar("SELECT COUNT(*) FROM ie_metrics"));  // 24 runs, each its rows
        Assert.Equal(0, b.Scalar("SELECT COUNT(*) FROM (SELECT run_pk, ordinal, metric FROM ie_metrics GROUP BY run_pk, ordinal, metric HAVING COUNT(*) > 1) d"));
        Assert.Equal([1L, 2L], b.Column("SELECT version FROM ie_schema_version ORDER BY version"));
    }

    private static void MigratesFromEmpty(StoreBackend b)
    {
        using (var store = b.Open()) Assert.Equal(StoreMigrations.Latest, store.SchemaVersion);
        Assert.Equal([1L, 2L], b.Column("SELECT version FROM ie_schema_version ORDER BY version"));
        using (var again = b.Open()) Assert.Equal(0, again.Count());
        Assert.Equal(2, b.Scalar("SELECT COUNT(*) FROM ie_schema_version")); // opening again applies nothing

        // A store written by a newer tool is refused, with one line saying so.
        b.Execute("INSERT INTO ie_schema_version (version, description, applied_utc) VALUES (3, 'from the future', '2030-01-01T00:00:00Z')");
        var e = Assert.Throws<InferenceEconomicsException>(() => b.Open());
        Assert.Equal(ErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains("schema version 3, newer than this tool's 2", e.Message);
    }

    /// <summary>
    /// A store as version 1 of the tool left it: written here in plain SQL (a frozen copy of the released
    /// schema, not the tool's migration code), with one run in it. Opening it adds the per-metric rows from
    /// the stored document, and history reads the run's decode throughput from them.
    /// </summary>
    private static void MigratesFromV1(StoreBackend b)
    {
        bool pg = b.Kind == StoreKind.Postgres;
        string id = pg ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY", ts = pg ? "TIMESTAMPTZ" : "TEXT",
               boolean = pg ? "BOOLEAN" : "INTEGER", json = pg ? "JSONB" : "TEXT";
        b.Execute("CREATE TABLE ie_schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL)");
        b.Execute($"""
            CREATE TABLE ie_runs (id {id}, run_id TEXT NOT NULL UNIQUE, content_sha256 TEXT NOT NULL, schema_version TEXT NOT NULL,
              started_utc {ts} NOT NULL, started_ticks BIGINT NOT NULL, status TEXT NOT NULL, host TEXT NOT NULL, host_key TEXT NOT NULL,
              hardware TEXT NOT NULL, hardware_key TEXT NOT NULL, model TEXT NOT NULL, model_key TEXT NOT NULL, synthetic_of TEXT, synthetic_of_key TEXT,
              model_spec TEXT NOT NULL, model_spec_key TEXT NOT NULL, synthetic {boolean} NOT NULL, shape TEXT NOT NULL, precision TEXT NOT NULL,
              precision_key TEXT NOT NULL, engine TEXT NOT NULL, engine_key TEXT NOT NULL, device TEXT NOT NULL, device_kind TEXT NOT NULL,
              scenario_count INTEGER NOT NULL, pushed_utc {ts} NOT NULL, pushed_from TEXT NOT NULL, document {json} NOT NULL)
            """);
        b.Execute("CREATE INDEX ie_runs_started ON ie_runs (started_ticks)");
        b.Execute("CREATE TABLE ie_run_gpus (run_pk BIGINT NOT NULL REFERENCES ie_runs (id), ordinal INTEGER NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, catalog_id TEXT, PRIMARY KEY (run_pk, ordinal))");
        b.Execute("""
            CREATE TABLE ie_scenarios (run_pk BIGINT NOT NULL REFERENCES ie_runs (id), ordinal INTEGER NOT NULL, scenario_id TEXT NOT NULL,
              batch_size INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, gen_tokens INTEGER NOT NULL, status TEXT NOT NULL, stop_reason TEXT,
              repetitions INTEGER NOT NULL, PRIMARY KEY (run_pk, ordinal))
            """);
        b.Execute("INSERT INTO ie_schema_version VALUES (1, 'runs (document + filter columns), their GPUs and scenarios', '2026-11-01T00:00:00Z')");

        var run = TestRuns.Build(seed: 11, batches: [1, 8], prompts: [128], reps: 6);
        var doc = ResultJson.Serialize(run).Replace("'", "''");
        string started = pg ? "'2026-11-02T10:00:00Z'" : "'2026-11-02T10:00:00.0000000Z'";
        string ticks = run.StartedUtc.UtcTicks.ToString(CultureInfo.InvariantCulture);
        b.Execute($"""
            INSERT INTO ie_runs (run_id, content_sha256, schema_version, started_utc, started_ticks, status, host, host_key, hardware, hardware_key,
              model, model_key, synthetic_of, synthetic_of_key, model_spec, model_spec_key, synthetic, shape, precision, precision_key, engine, engine_key,
              device, device_kind, scenario_count, pushed_utc, pushed_from, document)
            VALUES ('run-11', 'v1-hash', '1.0', {started}, {ticks}, 'complete', 'gpu-box-1', 'gpu-box-1', 'NVIDIA H100 80GB HBM3', 'nvidia h100 80gb hbm3',
              'phi-3-mini', 'phi-3-mini', 'phi-3-mini', 'phi-3-mini', 'phi-3-mini', 'phi-3-mini', {(pg ? "TRUE" : "1")}, 'phi3 L32', 'int4', 'int4', 'genai', 'genai',
              'cuda', 'cuda', 2, {started}, 'old-box', '{doc}')
            """);
        b.Execute("INSERT INTO ie_run_gpus VALUES (1, 0, 'NVIDIA H100 80GB HBM3', 'nvidia h100 80gb hbm3', 'h100-sxm')");
        b.Execute("INSERT INTO ie_scenarios VALUES (1, 0, 'b1-p128-g17', 1, 128, 17, 'ok', 'ci_reached', 6), (1, 1, 'b8-p128-g17', 8, 128, 17, 'ok', 'ci_reached', 6)");

        using var store = b.Open();
        Assert.Equal([1L, 2L], b.Column("SELECT version FROM ie_schema_version ORDER BY version"));
        Assert.Equal(MetricRows(run), b.Scalar("SELECT COUNT(*) FROM ie_metrics")); // from the stored document

        // Decode tokens/s at B8 (--batch 8), worked out here from the raw steps: median over 6 repetitions = mean of the 3rd and 4th.
        var b8 = run.Scenarios.Single(s => s.BatchSize == 8);
        var perRep = b8.Repetitions.Select(r => 8.0 * r.StepSeconds.Count / r.StepSeconds.Sum()).Order().ToArray();
        double expected = (perRep[2] + perRep[3]) / 2;
        using var source = new StoreRunSource(store);
        var h = source.History(MetricCatalog.DecodeTps, new HistoryFilter { Gpu = "h100", BatchSize = 8 });
        var entry = Assert.Single(h.Entries);
        Assert.Equal("run-11", entry.Run.RunId);
        Assert.Equal("B8 P128 G17", h.ScenarioKey);
        Assert.Equal(expected, entry.Value!.Value, 9);
        // The migrated store takes new runs beside the old one.
        Assert.Equal(PushStatus.Stored, store.Push([StoredDocument.Of(TestRuns.Build(seed: 12))])[0].Status);
        Assert.Equal(2, store.Count());
    }
}
