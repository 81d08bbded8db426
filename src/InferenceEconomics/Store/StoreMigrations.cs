using System.Data.Common;
using System.Globalization;

namespace InferenceEconomics.Store;

/// <summary>One schema change: applied once, in order, inside the transaction that records it in ie_schema_version.</summary>
internal sealed record Migration(int Version, string Description, Action<MigrationContext> Apply);

/// <summary>What a migration step may use: the connection and transaction, and the dialect's SQL.</summary>
internal sealed class MigrationContext
{
    internal MigrationContext(DbConnection connection, DbTransaction transaction, SqlDialect dialect)
    {
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
    }

    public DbConnection Connection { get; }
    public DbTransaction Transaction { get; }
    internal SqlDialect Dialect { get; }
    public StoreKind Kind => Dialect.Kind;

    /// <summary>Runs a schema template (see <see cref="SqlDialect.Sql"/>); statements separated by ';'.</summary>
    public void Execute(string template)
    {
        foreach (var statement in Dialect.Sql(template).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            Db.Execute(Connection, Transaction, statement);
    }
}

/// <summary>
/// The store's schema as ordered steps (docs/store.md). Opening a store applies the steps it lacks,
/// each recorded in ie_schema_version (version, description, applied_utc), all in one transaction
/// under a lock, so concurrent first pushes migrate once. A store newer than the tool is refused.
/// Never edit a released step: add one.
/// </summary>
internal static class StoreMigrations
{
    public const string VersionTable = "ie_schema_version";

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "runs (document + filter columns), their GPUs and scenarios", c => c.Execute(V1)),
        new(2, "per-metric rows for history, scheduler job columns, query indexes", c =>
        {
            c.Execute(V2);
            SqlResultStore.BackfillMetrics(c); // runs stored by v1 get their metric rows from their documents
        }),
    ];

    public static int Latest => All[^1].Version;

    internal const string V1 = """
        CREATE TABLE ie_runs (
          id {ID},
          run_id TEXT NOT NULL UNIQUE,
          content_sha256 TEXT NOT NULL,
          schema_version TEXT NOT NULL,
          started_utc {TS} NOT NULL,
          started_ticks BIGINT NOT NULL,
          status TEXT NOT NULL,
          host TEXT NOT NULL, host_key TEXT NOT NULL,
          hardware TEXT NOT NULL, hardware_key TEXT NOT NULL,
          model TEXT NOT NULL, model_key TEXT NOT NULL,
          synthetic_of TEXT, synthetic_of_key TEXT,
          model_spec TEXT NOT NULL, model_spec_key TEXT NOT NULL,
          synthetic {BOOL} NOT NULL,
          shape TEXT NOT NULL,
          precision TEXT NOT NULL, precision_key TEXT NOT NULL,
          engine TEXT NOT NULL, engine_key TEXT NOT NULL,
          device TEXT NOT NULL, device_kind TEXT NOT NULL,
          scenario_count INTEGER NOT NULL,
          pushed_utc {TS} NOT NULL,
          pushed_from TEXT NOT NULL,
          document {JSON} NOT NULL
        );
        CREATE INDEX ie_runs_started ON ie_runs (started_ticks);
        CREATE TABLE ie_run_gpus (
          run_pk BIGINT NOT NULL REFERENCES ie_runs (id),
          ordinal INTEGER NOT NULL,
          name TEXT NOT NULL, name_key TEXT NOT NULL,
          catalog_id TEXT,
          PRIMARY KEY (run_pk, ordinal)
        );
        CREATE TABLE ie_scenarios (
          run_pk BIGINT NOT NULL REFERENCES ie_runs (id),
          ordinal INTEGER NOT NULL,
          scenario_id TEXT NOT NULL,
          batch_size INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, gen_tokens INTEGER NOT NULL,
          status TEXT NOT NULL,
          stop_reason TEXT,
          repetitions INTEGER NOT NULL,
          PRIMARY KEY (run_pk, ordinal)
        )
        """;

    internal const string V2 = """
        CREATE TABLE ie_metrics (
          run_pk BIGINT NOT NULL REFERENCES ie_runs (id),
          ordinal INTEGER NOT NULL,
          metric TEXT NOT NULL,
          value {REAL} NOT NULL,
          PRIMARY KEY (run_pk, ordinal, metric)
        );
        ALTER TABLE ie_runs ADD COLUMN job TEXT;
        ALTER TABLE ie_runs ADD COLUMN job_task INTEGER;
        CREATE INDEX ie_runs_model ON ie_runs (model_key);
        CREATE INDEX ie_runs_host ON ie_runs (host_key);
        CREATE INDEX ie_runs_job ON ie_runs (job, job_task);
        CREATE INDEX ie_run_gpus_name ON ie_run_gpus (name_key);
        CREATE INDEX ie_run_gpus_catalog ON ie_run_gpus (catalog_id)
        """;

    /// <summary>The version a store is at (0: empty), read without taking the write lock.</summary>
    internal static int CurrentVersion(DbConnection connection, DbTransaction? transaction, SqlDialect dialect) =>
        dialect.TableExists(connection, transaction, VersionTable)
            ? Convert.ToInt32(Db.Scalar(connection, transaction, $"SELECT COALESCE(MAX(version), 0) FROM {VersionTable}") ?? 0, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Brings the store to <see cref="Latest"/>; returns the version it was at.</summary>
    internal static int Migrate(DbConnection connection, SqlDialect dialect, string description)
    {
        int before = CurrentVersion(connection, null, dialect);
        if (before > Latest) throw Newer(before, description);
        if (before == Latest) return before;

        using var tx = dialect.BeginWrite(connection);
        dialect.LockSchema(connection, tx);
        Db.Execute(connection, tx, $"CREATE TABLE IF NOT EXISTS {VersionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL)");
        int current = CurrentVersion(connection, tx, dialect); // another process may have migrated meanwhile
        if (current > Latest) throw Newer(current, description);
        var context = new MigrationContext(connection, tx, dialect);
        foreach (var m in All.Where(m => m.Version > current))
        {
            m.Apply(context);
            Db.Execute(connection, tx, $"INSERT INTO {VersionTable} (version, description, applied_utc) VALUES (@v, @d, @t)",
                ("v", m.Version), ("d", m.Description), ("t", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }
        tx.Commit();
        return before;
    }

    private static InferenceEconomicsException Newer(int version, string description) =>
        new(ErrorKind.StoreUnavailable, $"the results store {description} has schema version {version}, newer than this tool's {Latest}; use a newer version of InferenceEconomics with it");
}
