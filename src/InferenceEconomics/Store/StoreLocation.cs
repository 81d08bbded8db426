using System.Globalization;
using Npgsql;

namespace InferenceEconomics.Store;

public enum StoreKind { Sqlite, Postgres }

/// <summary>
/// Where the results store is: a SQLite file (the default, results/runs.db) or a PostgreSQL database
/// given as postgres://user:password@host:port/database[?sslmode=require]. <see cref="Display"/> is the
/// only form that may be printed or logged: the password is replaced by ***.
/// </summary>
public sealed class StoreLocation
{
    /// <summary>The environment variable a store URL or path may come from (after --store).</summary>
    public const string EnvironmentVariable = "IE_STORE";
    /// <summary>File name of the default SQLite store inside the results folder.</summary>
    public const string DefaultFileName = "runs.db";

    public StoreKind Kind { get; }
    /// <summary>SQLite: the full path of the database file.</summary>
    public string? FilePath { get; }
    /// <summary>What may be shown: the path, or the URL with the password redacted.</summary>
    public string Display { get; }
    private readonly string? _connectionString;
    private readonly string? _secret;

    private StoreLocation(StoreKind kind, string? filePath, string display, string? connectionString, string? secret, string original)
    {
        Original = original;
        Kind = kind;
        FilePath = filePath;
        Display = display;
        _connectionString = connectionString;
        _secret = secret;
    }

    public override string ToString() => Display;

    /// <summary>The store named by --store, else IE_STORE, else &lt;results&gt;/runs.db.</summary>
    public static StoreLocation Resolve(string? option, string resultsDir) =>
        Parse(option is { Length: > 0 } ? option
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : Path.Combine(resultsDir, DefaultFileName));

    /// <summary>True when --store or IE_STORE names a store (not the default file).</summary>
    public static bool Configured(string? option) =>
        option is { Length: > 0 } || Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 };

    /// <summary>"postgres://…" / "postgresql://…", "sqlite:PATH", or a file path (a SQLite file).</summary>
    public static StoreLocation Parse(string text)
    {
        text = text.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return ParsePostgres(text);
        if (text.Contains("://", StringComparison.Ordinal) && !text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            throw Bad($"store '{RedactUrl(text)}' has an unknown scheme; give postgres://user:password@host:port/database, sqlite:PATH or a .db file path");
        var path = text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? text["sqlite:".Length..] : text;
        if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..]; // sqlite:///abs/path
        if (path.Length == 0) throw Bad("store 'sqlite:' names no file; write sqlite:results/runs.db");
        var full = Path.GetFullPath(path);
        return new StoreLocation(StoreKind.Sqlite, full, full, null, null, full);
    }

    private static StoreLocation ParsePostgres(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw Bad($"store '{RedactUrl(text)}' is not a valid URL; write postgres://user:password@host:port/database");
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) password = Uri.UnescapeDataString(parts[1]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw Bad($"store '{RedactUrl(text)}' names no database; write postgres://user:password@host:port/database");
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
            Timeout = 15,
            CommandTimeout = 120,
            ApplicationName = "InferenceEconomics",
        };
        if (user is { Length: > 0 }) b.Username = user;
        if (password is { Length: > 0 }) b.Password = password; // else PGPASSWORD or ~/.pgpass, as psql does
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]).ToLowerInvariant();
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (key)
            {
                case "sslmode":
                    b.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable, "allow" => SslMode.Allow, "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require, "verify-ca" => SslMode.VerifyCA, "verify-full" => SslMode.VerifyFull,
                        _ => throw Bad($"store URL: sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    break;
                case "connect_timeout":
                    b.Timeout = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t > 0 ? t
                        : throw Bad($"store URL: connect_timeout '{value}' is not a positive number of seconds");
                    break;
                case "application_name": b.ApplicationName = value; break;
                default: throw Bad($"store URL: unknown parameter '{key}' (known: sslmode, connect_timeout, application_name)");
            }
        }
        var display = $"postgres://{(user is null ? "" : Uri.EscapeDataString(user) + (password is null ? "" : ":***") + "@")}{uri.Host}:{b.Port}/{database}";
        return new StoreLocation(StoreKind.Postgres, null, display, b.ConnectionString, password, text);
    }

    /// <summary>The text it was parsed from (a URL may hold the password): only for a child's environment (sbatch), never printed.</summary>
    internal string Original { get; }

    /// <summary>The Npgsql connection string (holds the password: never print it).</summary>
    internal string PostgresConnectionString => _connectionString ?? throw new InvalidOperationException("not a PostgreSQL store");

    /// <summary>Replaces the password, wherever it appears in a message (a driver's error text), by ***.</summary>
    public string Redact(string message) =>
        _secret is { Length: > 0 } s ? message.Replace(s, "***", StringComparison.Ordinal) : message;

    /// <summary>A URL's password replaced by ***, for messages about a URL that could not be parsed.</summary>
    public static string RedactUrl(string text)
    {
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        int at = text.LastIndexOf('@');
        if (scheme < 0 || at < scheme) return text;
        int colon = text.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? text[..(colon + 1)] + "***" + text[at..] : text;
    }

    private static InferenceEconomicsException Bad(string message) => new(ErrorKind.Usage, message);
}
