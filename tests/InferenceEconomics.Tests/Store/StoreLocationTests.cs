using InferenceEconomics.Store;

namespace InferenceEconomics.Tests.Store;

public class StoreLocationTests
{
    [Fact]
    public void A_postgres_url_is_parsed_and_its_password_never_shown()
    {
        var l = StoreLocation.Parse("postgres://alice:s%40cret:x@db.example:6543/bench?sslmode=require");
        Assert.Equal(StoreKind.Postgres, l.Kind);
        Assert.Equal("postgres://alice:***@db.example:6543/bench", l.Display);
        Assert.Equal(l.Display, l.ToString());
        // The decoded password ("s@cret:x") is what a driver message could quote: redacted there too.
        Assert.Equal("auth failed for s*** ***", l.Redact("auth failed for s*** s@cret:x"));
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(l.PostgresConnectionString);
        Assert.Equal(("db.example", 6543, "bench", "alice", "s@cret:x"), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password));
        Assert.Equal(Npgsql.SslMode.Require, cs.SslMode);
    }

    [Fact]
    public void Defaults_and_file_stores()
    {
        Assert.Equal(5432, new Npgsql.NpgsqlConnectionStringBuilder(StoreLocation.Parse("postgresql://h/db").PostgresConnectionString).Port);
        Assert.Equal("postgres://h:5432/db", StoreLocation.Parse("postgresql://h/db").Display);
        var f = StoreLocation.Parse("sqlite:results/x.db");
        Assert.Equal(StoreKind.Sqlite, f.Kind);
        Assert.Equal(Path.GetFullPath("results/x.db"), f.FilePath);
        Assert.Equal(Path.GetFullPath("/tmp/a.db"), StoreLocation.Parse("/tmp/a.db").FilePath);
        Assert.Equal(Path.GetFullPath("/tmp/b.db"), StoreLocation.Resolve("/tmp/b.db", "/r").FilePath); // --store wins over IE_STORE and the default
        if (Environment.GetEnvironmentVariable(StoreLocation.EnvironmentVariable) is null)
            Assert.Equal("/r/runs.db", StoreLocation.Resolve(null, "/r").FilePath);
    }

    [Theory]
    [InlineData("mysql://u:topsecret@h/db")]
    [InlineData("postgres://u:topsecret@h/")]
    [InlineData("postgres://u:topsecret@h/db?sslmode=sometimes")]
    [InlineData("postgres://u:topsecret@h/db?pool=1")]
    public void Bad_urls_are_usage_errors_that_do_not_repeat_the_password(string url)
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => StoreLocation.Parse(url));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.DoesNotContain("topsecret", e.Message);
    }
}
