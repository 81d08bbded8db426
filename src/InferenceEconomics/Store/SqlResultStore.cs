using InferenceEconomics.Metrics;
using System.Data.Common;
using System.Globalization;
using System.Text;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;

namespace InferenceEconomics.Store;

/// <summary>
/// <see cref="IResultStore"/> over ADO.NET: the same SQL on SQLite and PostgreSQL, differences in
/// <see cref="SqlDialect"/>. A run is one ie_runs row (filter columns + the whole document) with its
/// ie_run_gpus, ie_scenarios and ie_metrics rows (docs/store.md).
/// </summary>
internal sealed class SqlResultStore : IResultStore
{
    private readonly DbConnection _connection;
    private readonly SqlDialect _dialect;
    private readonly StoreLocation _location;

    internal SqlResultStore(DbConnection connection, SqlDialect dialect, StoreLocation location)
    {
        _connection = connection;
        _dialect = dialect;
        _location = location;
        Guard(() => { StoreMigrations.Migrate(connection, dialect, location.Display); return 0; });
        SchemaVersion = StoreMigrations.Latest;
    }

    public string Description => _location.Display;
    public StoreKind Kind => _dialect.Kind;
    public int SchemaVersion { get; }

    public void Dispose() => _connection.Dispose();

    private const string RunColumns = "run_id, content_sha256, schema_version, started_utc, started_ticks, status, host, host_key, hardware, hardware_key, " +
        "model, model_key, synthetic_of, synthetic_of_key, model_spec, model_spec_key, synthetic, shape, precision, precision_key, engine, engine_key, " +
        "device, device_kind, scenario_count, pushed_utc, pushed_from, job, job_task, document";

    public IReadOnlyList<PushOutcome> Push(IReadOnlyList<StoredDocument> documents, PushOptions? options = null)
    {
        options ??= new PushOptions();
        // One lock order for every pusher (run id, ordinal): two machines pushing overlapping sets cannot deadlock.
        var ordered = documents.OrderBy(d => d.Result.RunId, StringComparer.Ordinal).ToList();
        return Guard(() =>
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    using var tx = _dialect.BeginWrite(_connection);
                    var outcomes = new Dictionary<StoredDocument, PushOutcome>(ReferenceEqualityComparer.Instance);
                    foreach (var d in ordered) outcomes[d] = PushOne(tx, d, options);
                    tx.Commit();
                    return documents.Select(d => outcomes[d]).ToList();
                }
                catch (DbException e) when (attempt < 4 && _dialect.IsTransient(e)) { Thread.Sleep(50 * attempt); }
            }
        });
    }

    private PushOutcome PushOne(DbTransaction tx, StoredDocument d, PushOptions options)
    {
        var runId = d.Result.RunId;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long? existingId = null;
            string? existingSha = null, existingStatus = null;
            using (var cmd = Db.Command(_connection, tx, "SELECT id, content_sha256, status FROM ie_runs WHERE run_id = @r", ("r", runId)))
            using (var reader = cmd.ExecuteReader())
                if (reader.Read()) { existingId = reader.GetInt64(0); existingSha = reader.GetString(1); existingStatus = reader.GetString(2); }

            if (existingId is null)
            {
                if (Insert(tx, d, options) is not null) return new PushOutcome(runId, PushStatus.Stored, d.Sha256);
                continue; // another pusher stored it since: look again
            }
            if (existingSha == d.Sha256) return new PushOutcome(runId, PushStatus.AlreadyStored, d.Sha256, existingSha);
            if (!(options.Replace || existingStatus == "running")) return new PushOutcome(runId, PushStatus.Conflict, d.Sha256, existingSha);
            Delete(tx, existingId.Value);
            if (Insert(tx, d, options) is not null) return new PushOutcome(runId, PushStatus.Replaced, d.Sha256, existingSha);
        }
        throw new InferenceEconomicsException(ErrorKind.StoreUnavailable, $"run {runId}: other pushers kept changing it in {Description}; push it again");
    }

    private long? Insert(DbTransaction tx, StoredDocument d, PushOptions options)
    {
        var r = d.Result;
        var f = RunFacts.Of(r);
        var id = f.Identity;
        var now = DateTimeOffset.UtcNow;
        object?[] values =
        [
            r.RunId, d.Sha256, r.SchemaVersion, _dialect.Timestamp(r.StartedUtc), r.StartedUtc.UtcTicks, Words.Of(r.Status),
            id.Host, RunFacts.Key(id.Host), id.Hardware, RunFacts.Key(id.Hardware), id.Model, RunFacts.Key(id.Model),
            f.SyntheticOf, f.SyntheticOf is null ? null : RunFacts.Key(f.SyntheticOf), f.ModelSpec, RunFacts.Key(f.ModelSpec),
            id.SyntheticWeights, id.Shape, Words.Of(id.Precision), RunFacts.Key(Words.Of(id.Precision)), Words.Of(id.Engine), RunFacts.Key(Words.Of(id.Engine)),
            id.Device.ToString(), f.DeviceKind, r.Scenarios.Count, _dialect.Timestamp(now), Environment.MachineName,
            options.Job?.Label, options.Job?.Task, d.Json,
        ];
        var columns = RunColumns.Split(", ");
        var sql = new StringBuilder($"INSERT INTO ie_runs ({RunColumns}) VALUES (");
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        for (int i = 0; i < columns.Length; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(columns[i] == "document" ? _dialect.JsonValue("@c" + i) : "@c" + i);
            Db.Add(cmd, "c" + i, values[i]);
        }
        sql.Append(") ON CONFLICT (run_id) DO NOTHING RETURNING id");
        cmd.CommandText = sql.ToString();
        var pk = cmd.ExecuteScalar();
        if (pk is null or DBNull) return null;
        long runPk = Convert.ToInt64(pk, CultureInfo.InvariantCulture);

        Db.InsertRows(_connection, tx, "ie_run_gpus", ["run_pk", "ordinal", "name", "name_key", "catalog_id"],
            f.Gpus.Select((g, i) => new object?[] { runPk, i, g.Name, RunFacts.Key(g.Name), g.CatalogId }).ToList());
        Db.InsertRows(_connection, tx, "ie_scenarios", ["run_pk", "ordinal", "scenario_id", "batch_size", "prompt_tokens", "gen_tokens", "status", "stop_reason", "repetitions"],
            r.Scenarios.Select((s, i) => new object?[] { runPk, i, s.Id, s.BatchSize, s.PromptTokens, s.GenTokens, Words.Of(s.Status), s.StopReason is { } sr ? Words.Of(sr) : null, s.Repetitions.Count }).ToList());
        InsertMetrics(_connection, tx, runPk, r);
        return runPk;
    }

    /// <summary>One row per scenario and metric a user can name (MetricCatalog.Nameable) that has a finite headline value (what history shows).</summary>
    private static void InsertMetrics(DbConnection c, DbTransaction tx, long runPk, RunResult r)
    {
        var rows = new List<object?[]>();
        for (int i = 0; i < r.Scenarios.Count; i++)
            foreach (var m in MetricCatalog.Nameable)
                if (m.Headline(r.Scenarios[i]) is { } v && double.IsFinite(v))
                    rows.Add([runPk, i, m.Id, v]);
        Db.InsertRows(c, tx, "ie_metrics", ["run_pk", "ordinal", "metric", "value"], rows);
    }

    /// <summary>Migration 2: metric rows for every run stored before it, from the stored documents.</summary>
    internal static void BackfillMetrics(MigrationContext c)
    {
        var ids = new List<long>();
        using (var cmd = Db.Command(c.Connection, c.Transaction, "SELECT id FROM ie_runs ORDER BY id"))
        using (var reader = cmd.ExecuteReader())
            while (reader.Read()) ids.Add(reader.GetInt64(0));
        foreach (var id in ids)
        {
            var json = (string)Db.Scalar(c.Connection, c.Transaction, $"SELECT {c.Dialect.JsonText("document")} FROM ie_runs WHERE id = @i", ("i", id))!;
            InsertMetrics(c.Connection, c.Transaction, id, ResultStore.Parse(json, $"stored run #{id}"));
        }
    }

    private void Delete(DbTransaction tx, long runPk)
    {
        foreach (var table in new[] { "ie_metrics", "ie_scenarios", "ie_run_gpus" })
            Db.Execute(_connection, tx, $"DELETE FROM {table} WHERE run_pk = @p", ("p", runPk));
        Db.Execute(_connection, tx, "DELETE FROM ie_runs WHERE id = @p", ("p", runPk));
    }

    public RunResult? Load(string runId) => Guard(() =>
    {
        var json = Db.Scalar(_connection, null, $"SELECT {_dialect.JsonText("document")} FROM ie_runs WHERE run_id = @r", ("r", runId)) as string;
        return json is null ? null : InCatalogOrder(ResultStore.Parse(json, $"run {runId} in {Description}"));
    });

    /// <summary>
    /// PostgreSQL's JSONB keeps an object's keys in its own order; the summaries are dictionaries, so put their
    /// keys back in the metric catalog's order (unknown keys after, by name): a run reads back as it was written.
    /// </summary>
    private static RunResult InCatalogOrder(RunResult r)
    {
        var order = MetricCatalog.All.Where(m => m.SummaryKey is not null).Select((m, i) => (m.SummaryKey!, i)).ToDictionary(x => x.Item1, x => x.i);
        return r with
        {
            Scenarios = r.Scenarios.Select(s => s.Summary is null ? s : s with
            {
                Summary = s.Summary.OrderBy(kv => order.TryGetValue(kv.Key, out var i) ? i : int.MaxValue).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .ToDictionary(kv => kv.Key, kv => kv.Value),
            }).ToList(),
        };
    }

    public IReadOnlyList<HistoryRun> Query(HistoryFilter filter, Metric? metric) => Guard(() =>
    {
        using var cmd = _connection.CreateCommand();
        var where = Where(filter, cmd);
        if (metric is not null) Db.Add(cmd, "metric", metric.Id);
        cmd.CommandText = $"""
            SELECT r.id, r.run_id, r.started_ticks, r.status, r.host, r.hardware, r.model, r.shape, r.precision, r.engine, r.device, r.synthetic, r.scenario_count,
                   s.ordinal, s.batch_size, s.prompt_tokens, s.gen_tokens, s.status, {(metric is null ? "NULL" : "m.value")}
            FROM ie_runs r
            LEFT JOIN ie_scenarios s ON s.run_pk = r.id
            {(metric is null ? "" : "LEFT JOIN ie_metrics m ON m.run_pk = s.run_pk AND m.ordinal = s.ordinal AND m.metric = @metric")}
            {where}
            ORDER BY r.id, s.ordinal
            """;
        var runs = new List<HistoryRun>();
        using var reader = cmd.ExecuteReader();
        long currentPk = -1;
        List<HistoryScenario>? scenarios = null;
        while (reader.Read())
        {
            long pk = reader.GetInt64(0);
            if (pk != currentPk)
            {
                currentPk = pk;
                scenarios = [];
                var identity = new RunIdentity(reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7),
                    Words.Parse<WeightPrecision>(reader.GetString(8)) ?? WeightPrecision.Fp32, Words.Parse<EngineKind>(reader.GetString(9)) ?? EngineKind.GenAi,
                    Device.TryParse(reader.GetString(10)) ?? Device.Cpu,
                    Convert.ToBoolean(reader.GetValue(11), CultureInfo.InvariantCulture));
                runs.Add(new HistoryRun(identity.RunId, identity, reader.GetString(3), reader.GetInt32(12), scenarios));
            }
            if (reader.IsDBNull(13)) continue; // a run without scenarios
            bool ok = reader.GetString(17) == "ok";
            scenarios!.Add(new HistoryScenario(reader.GetInt32(14), reader.GetInt32(15), reader.GetInt32(16), ok,
                ok && !reader.IsDBNull(18) ? reader.GetDouble(18) : null));
        }
        return runs;
    });

    /// <summary>The WHERE clause of <see cref="RunMatching"/>'s rules over the stored key columns.</summary>
    private static string Where(HistoryFilter f, DbCommand cmd)
    {
        var clauses = new List<string>();
        if (f.Since is { } since) { clauses.Add("r.started_ticks >= @since"); Db.Add(cmd, "since", since.UtcTicks); }
        if (f.Until is { } until) { clauses.Add("r.started_ticks < @until"); Db.Add(cmd, "until", until.UtcTicks); }
        if (RunMatching.Given(f.Model) is { } model)
        {
            clauses.Add("(r.model_key = @model OR r.synthetic_of_key = @model OR r.model_spec_key = @model)");
            Db.Add(cmd, "model", model);
        }
        if (RunMatching.Given(f.Host) is { } host) { clauses.Add("r.host_key = @host"); Db.Add(cmd, "host", host); }
        if (RunMatching.Given(f.Precision) is { } precision) { clauses.Add("r.precision_key = @precision"); Db.Add(cmd, "precision", precision); }
        if (RunMatching.Given(f.Engine) is { } engine) { clauses.Add("r.engine_key = @engine"); Db.Add(cmd, "engine", engine); }
        if (RunMatching.Given(f.Gpu) is not null)
        {
            var term = GpuTerm.Resolve(f.Gpu!);
            if (term.Cpu) clauses.Add("r.device_kind = 'cpu'");
            else
            {
                clauses.Add("(r.hardware_key = @gpu OR (r.device_kind <> 'cpu' AND EXISTS (SELECT 1 FROM ie_run_gpus g WHERE g.run_pk = r.id AND (g.name_key = @gpu" +
                            (term.CatalogId is null ? "" : " OR g.catalog_id = @gpucat") + "))))");
                Db.Add(cmd, "gpu", term.Key);
                if (term.CatalogId is not null) Db.Add(cmd, "gpucat", term.CatalogId);
            }
        }
        return clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);
    }

    public IReadOnlyList<StoredRunInfo> RunsOfJob(string job) => Guard(() =>
    {
        using var cmd = Db.Command(_connection, null,
            "SELECT run_id, status, started_ticks, host, model, job, job_task, pushed_utc FROM ie_runs WHERE job = @j ORDER BY job_task, started_ticks", ("j", job));
        using var reader = cmd.ExecuteReader();
        var list = new List<StoredRunInfo>();
        while (reader.Read())
            list.Add(new StoredRunInfo(reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetInt32(6),
                _dialect.ReadTimestamp(reader.GetValue(7))));
        return (IReadOnlyList<StoredRunInfo>)list;
    });

    public long Count() => Guard(() => Convert.ToInt64(Db.Scalar(_connection, null, "SELECT COUNT(*) FROM ie_runs"), CultureInfo.InvariantCulture));

    /// <summary>Database failures become one line naming the store (password redacted).</summary>
    private T Guard<T>(Func<T> action)
    {
        try { return action(); }
        catch (DbException e) { throw ResultStores.Unavailable(_location, "failed", e); }
    }
}
