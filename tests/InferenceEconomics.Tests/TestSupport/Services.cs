using Npgsql;

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>
/// Real services for the store and scheduler tests, found through environment variables or the env
/// file scripts/services/*.sh write (.services/env): IE_TEST_POSTGRES (a URL whose role may create
/// databases), IE_TEST_SLURM=1 and IE_TEST_SLURM_PARTITION. Absent: the tests skip, saying so.
/// </summary>
public static class Services
{
    private static readonly Lazy<Dictionary<string, string>> EnvFile = new(() =>
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Environment.GetEnvironmentVariable("IE_SERVICES_ENV") is { Length: > 0 } p ? p : Path.Combine(Repo.Root, ".services", "env");
        if (!File.Exists(path)) return d;
        foreach (var line in File.ReadAllLines(path))
            if (line.Split('=', 2) is [var k, var v] && k.Length > 0 && !k.StartsWith('#')) d[k.Trim()] = v.Trim();
        return d;
    });

    public static string? Get(string key) =>
        Environment.GetEnvironmentVariable(key) is { Length: > 0 } v ? v : EnvFile.Value.GetValueOrDefault(key);

    public static string? PostgresUrl => Get("IE_TEST_POSTGRES");

    public const string PostgresMissing =
        "no PostgreSQL for the store tests: IE_TEST_POSTGRES is not set (run scripts/services/postgres.sh as root, or set it to postgres://user:password@host:port/db of a role that may create databases)";

    public static bool SlurmConfigured => Get("IE_TEST_SLURM") == "1";
    public static string SlurmPartition => Get("IE_TEST_SLURM_PARTITION") ?? "debug";

    public const string SlurmMissing =
        "no Slurm for the scheduler test: IE_TEST_SLURM is not set (run scripts/services/slurm.sh as root on Debian/Ubuntu)";
}

/// <summary>A fact that needs PostgreSQL (IE_TEST_POSTGRES): skipped, with the reason, where none is configured.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Services.PostgresUrl is null) Skip = Services.PostgresMissing;
    }
}

/// <summary>A fact that needs a Slurm cluster and PostgreSQL (the tasks push to it).</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!Services.SlurmConfigured) Skip = Services.SlurmMissing;
        else if (Services.PostgresUrl is null) Skip = Services.PostgresMissing;
    }
}

/// <summary>A fresh, empty PostgreSQL database for one test (created from IE_TEST_POSTGRES, dropped at dispose).</summary>
public sealed class TempPostgresDatabase : IDisposable
{
    private readonly string _adminUrl;
    public string Name { get; } = "ie_test_" + Guid.NewGuid().ToString("N")[..12];
    /// <summary>postgres://user:password@host:port/&lt;Name&gt;</summary>
    public string Url { get; }
    public string Password { get; }

    public TempPostgresDatabase()
    {
        _adminUrl = Services.PostgresUrl ?? throw new InvalidOperationException(Services.PostgresMissing);
        var uri = new Uri(_adminUrl);
        Password = Uri.UnescapeDataString(uri.UserInfo.Split(':', 2).ElementAtOrDefault(1) ?? "");
        Url = $"{uri.Scheme}://{uri.UserInfo}@{uri.Host}:{(uri.Port > 0 ? uri.Port : 5432)}/{Name}";
        Admin($"CREATE DATABASE {Name}");
    }

    /// <summary>An open connection to the test database (for fixtures and checks written in plain SQL).</summary>
    public NpgsqlConnection Connect()
    {
        var c = new NpgsqlConnection(ConnectionString(Url));
        c.Open();
        return c;
    }

    public static string ConnectionString(string url)
    {
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = uri.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(user[0]), Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null, Pooling = false,
        }.ConnectionString;
    }

    private void Admin(string sql)
    {
        using var c = new NpgsqlConnection(ConnectionString(_adminUrl));
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try { Admin($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)"); } catch (NpgsqlException) { }
    }
}
