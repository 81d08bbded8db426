using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace InferenceEconomics.Store;

/// <summary>What differs between SQLite and PostgreSQL for the store: column types, JSON, locking.</summary>
internal abstract class SqlDialect
{
    public abstract StoreKind Kind { get; }

    /// <summary>Fills a schema template: {ID} (auto-increment primary key), {REAL}, {BOOL}, {JSON}, {TS}.</summary>
    public string Sql(string template) => template
        .Replace("{ID}", IdColumn).Replace("{REAL}", RealType).Replace("{BOOL}", BoolType)
        .Replace("{JSON}", JsonType).Replace("{TS}", TimestampType);

    protected abstract string IdColumn { get; }
    protected abstract string RealType { get; }
    protected abstract string BoolType { get; }
    protected abstract string JsonType { get; }
    protected abstract string TimestampType { get; }

    /// <summary>The SQL for a JSON parameter (PostgreSQL casts text to JSONB).</summary>
    public abstract string JsonValue(string parameter);
    /// <summary>The SQL reading a JSON column back as text.</summary>
    public abstract string JsonText(string column);
    public abstract object Timestamp(DateTimeOffset t);
    public DateTimeOffset ReadTimestamp(object value) => value switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidOperationException($"unexpected timestamp type {value.GetType().Name}"),
    };

    /// <summary>A transaction that may write. SQLite: BEGIN IMMEDIATE (the write lock at once, so two writers queue instead of failing mid-way).</summary>
    public abstract DbTransaction BeginWrite(DbConnection connection);
    /// <summary>Serializes schema changes between processes (PostgreSQL: an advisory lock; SQLite: the write lock already does).</summary>
    public abstract void LockSchema(DbConnection connection, DbTransaction transaction);
    public abstract bool TableExists(DbConnection connection, DbTransaction? transaction, string table);
    /// <summary>A failure worth retrying the whole transaction for (PostgreSQL deadlock or serialization failure).</summary>
    public abstract bool IsTransient(DbException e);

    public static SqlDialect For(StoreKind kind) => kind == StoreKind.Sqlite ? new SqliteDialect() : new PostgresDialect();
}

internal sealed class SqliteDialect : SqlDialect
{
    public override StoreKind Kind => StoreKind.Sqlite;
    protected override string IdColumn => "INTEGER PRIMARY KEY";
    protected override string RealType => "REAL";
    protected override string BoolType => "INTEGER";
    protected override string JsonType => "TEXT";
    protected override string TimestampType => "TEXT";
    public override string JsonValue(string parameter) => parameter;
    public override string JsonText(string column) => column;
    public override object Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);
    public override void LockSchema(DbConnection connection, DbTransaction transaction) { }
    public override bool TableExists(DbConnection connection, DbTransaction? transaction, string table) =>
        Convert.ToInt64(Db.Scalar(connection, transaction, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t", ("t", table)), CultureInfo.InvariantCulture) > 0;
    public override bool IsTransient(DbException e) => e is SqliteException { SqliteErrorCode: 5 or 6 }; // BUSY, LOCKED past the timeout
}

internal sealed class PostgresDialect : SqlDialect
{
    /// <summary>Key of the advisory lock that serializes migrations ("IE" + schema).</summary>
    private const long SchemaLockKey = 0x4945_5343_4845_4D41;

    public override StoreKind Kind => StoreKind.Postgres;
    protected override string IdColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
    protected override string RealType => "DOUBLE PRECISION";
    protected override string BoolType => "BOOLEAN";
    protected override string JsonType => "JSONB";
    protected override string TimestampType => "TIMESTAMPTZ";
    public override string JsonValue(string parameter) => $"CAST({parameter} AS JSONB)";
    public override string JsonText(string column) => $"{column}::text";
    public override object Timestamp(DateTimeOffset t) => t.UtcDateTime;
    public override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction();
    public override void LockSchema(DbConnection connection, DbTransaction transaction) =>
        Db.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@k)", ("k", SchemaLockKey));
    public override bool TableExists(DbConnection connection, DbTransaction? transaction, string table) =>
        Db.Scalar(connection, transaction, "SELECT to_regclass(@t) IS NOT NULL", ("t", table)) is true;
    public override bool IsTransient(DbException e) => e is Npgsql.PostgresException { SqlState: "40P01" or "40001" };
}

/// <summary>Small ADO.NET helpers: parameters by name (both drivers take @name).</summary>
internal static class Db
{
    public static DbCommand Command(DbConnection c, DbTransaction? t, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) Add(cmd, name, value);
        return cmd;
    }

    public static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    public static int Execute(DbConnection c, DbTransaction? t, string sql, params (string, object?)[] parameters)
    {
        using var cmd = Command(c, t, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    public static object? Scalar(DbConnection c, DbTransaction? t, string sql, params (string, object?)[] parameters)
    {
        using var cmd = Command(c, t, sql, parameters);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    /// <summary>INSERT of many rows, several per statement (fewer round trips), within the parameter limits of both databases.</summary>
    public static void InsertRows(DbConnection c, DbTransaction t, string table, string[] columns, IReadOnlyList<object?[]> rows)
    {
        int perStatement = Math.Max(1, 900 / columns.Length);
        for (int start = 0; start < rows.Count; start += perStatement)
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = t;
            var sb = new System.Text.StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            int n = Math.Min(perStatement, rows.Count - start);
            for (int i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append('(');
                for (int k = 0; k < columns.Length; k++)
                {
                    if (k > 0) sb.Append(", ");
                    var name = $"p{i}_{k}";
                    sb.Append('@').Append(name);
                    Add(cmd, name, rows[start + i][k]);
                }
                sb.Append(')');
            }
            cmd.CommandText = sb.ToString();
            cmd.ExecuteNonQuery();
        }
    }
}
