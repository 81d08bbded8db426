using System.Data.Common;
using InferenceEconomics.Store;
using InferenceEconomics.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace InferenceEconomics.Tests.Store;

/// <summary>An empty store of either kind, and plain SQL access to it for fixtures and checks.</summary>
public abstract class StoreBackend : IDisposable
{
    /// <summary>What --store takes.</summary>
    public abstract string Location { get; }
    public abstract StoreKind Kind { get; }
    public abstract DbConnection Connect();
    public IResultStore Open() => ResultStores.Open(StoreLocation.Parse(Location));
    public abstract void Dispose();

    public long Scalar(string sql)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    public void Execute(string sql)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public List<long> Column(string sql)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<long>();
        while (r.Read()) list.Add(Convert.ToInt64(r.GetValue(0)));
        return list;
    }
}

public sealed class SqliteBackend : StoreBackend
{
    private readonly TempDir _dir = new();
    public override string Location => _dir.Combine("store", "runs.db");
    public override StoreKind Kind => StoreKind.Sqlite;
    public override DbConnection Connect()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Location)!);
        var c = new SqliteConnection($"Data Source={Location};Pooling=False");
        c.Open();
        return c;
    }
    public override void Dispose() => _dir.Dispose();
}

public sealed class PostgresBackend : StoreBackend
{
    private readonly TempPostgresDatabase _db = new();
    public override string Location => _db.Url;
    public string Password => _db.Password;
    public override StoreKind Kind => StoreKind.Postgres;
    public override DbConnection Connect() => _db.Connect();
    public override void Dispose() => _db.Dispose();
}
