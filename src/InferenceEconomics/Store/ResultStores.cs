using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace InferenceEconomics.Store;

/// <summary>Opens the results store a <see cref="StoreLocation"/> names, creating and migrating its schema.</summary>
public static class ResultStores
{
    /// <param name="create">SQLite: create the file (and its folder) when missing; false makes a missing file an error (reading commands).</param>
    public static IResultStore Open(StoreLocation location, bool create = true)
    {
        var dialect = SqlDialect.For(location.Kind);
        DbConnection connection;
        try
        {
            if (location.Kind == StoreKind.Sqlite)
            {
                var path = location.FilePath!;
                if (!create && !File.Exists(path))
                    throw new InferenceEconomicsException(ErrorKind.StoreUnavailable,
                        $"no results store at {path}; push runs into it first (./run.sh push --all --store {path}) or name another with --store");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                connection = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = path,
                    Mode = SqliteOpenMode.ReadWriteCreate,
                    Pooling = false,
                    DefaultTimeout = 120,
                }.ToString());
                connection.Open();
                // WAL: readers never block the writer; busy_timeout: concurrent writers wait instead of failing.
                Db.Execute(connection, null, "PRAGMA busy_timeout = 120000");
                Db.Scalar(connection, null, "PRAGMA journal_mode = WAL");
                Db.Execute(connection, null, "PRAGMA synchronous = NORMAL");
            }
            else
            {
                connection = new NpgsqlConnection(location.PostgresConnectionString);
                connection.Open();
            }
        }
        catch (Exception e) when (e is DbException or SocketException or TimeoutException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Unavailable(location, "cannot be opened", e);
        }
        try { return new SqlResultStore(connection, dialect, location); }
        catch { connection.Dispose(); throw; }
    }

    /// <summary>One line: which store, what failed, the driver's reason (password redacted), what to do.</summary>
    internal static InferenceEconomicsException Unavailable(StoreLocation location, string what, Exception e)
    {
        var reason = CliSafe(location.Redact(e.Message));
        var hint = location.Kind == StoreKind.Postgres
            ? "check that the server runs and accepts this user and password (--store or IE_STORE)"
            : "check the file, its folder's permissions and free space";
        return new InferenceEconomicsException(ErrorKind.StoreUnavailable, $"results store {location.Display} {what}: {reason}; {hint}");
    }

    private static string CliSafe(string s) => string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
}
