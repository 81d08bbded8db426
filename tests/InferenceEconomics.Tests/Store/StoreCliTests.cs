using InferenceEconomics.Cli;
using InferenceEconomics.Common;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.Reporting;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Store;

/// <summary>push, history and compare through the CLI over run folders, a SQLite store and a PostgreSQL store.</summary>
public class StoreCliTests
{
    private static readonly DateTimeOffset D0 = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Five runs: two on H100 (two hosts), one on L40S, one on H200, one CPU run of another model. Folder name = run id.</summary>
    private static string WriteRuns(TempDir root)
    {
        var results = root.Combine("results");
        foreach (var r in new[]
        {
            TestRuns.Build(seed: 1, started: D0, gpu: "NVIDIA H100 80GB HBM3", host: "gpu-box-1"),
            TestRuns.Build(seed: 2, started: D0.AddDays(7), gpu: "NVIDIA H100 80GB HBM3", host: "gpu-box-2", speed: 1.05),
            TestRuns.Build(seed: 3, started: D0.AddDays(9), gpu: "NVIDIA L40S", speed: 0.6),
            TestRuns.Build(seed: 4, started: D0.AddDays(10), device: "cpu", model: "llama-3.2-1b"),
            TestRuns.Build(seed: 5, started: D0.AddDays(11), gpu: "NVIDIA H200", speed: 1.3),
        })
            ResultStore.Save(r, Path.Combine(results, r.RunId));
        return results;
    }

    private static CliRunner.Outcome Cli(TempDir root, params string[] args) => CliRunner.RunWith(new ProjectPaths(root.Path), args);

    private static readonly string[][] HistoryQueries =
    [
        ["history"],
        ["history", "--gpu", "h100"],
        ["history", "--gpu", "NVIDIA H100 80GB HBM3"],
        ["history", "--gpu", "cpu", "--metric", "ttft"],
        ["history", "--model", "phi-3-mini", "--metric", "prefill_tps", "--batch", "8"],
        ["history", "--host", "gpu-box-2"],
        ["history", "--until", "2026-10-08", "--engine", "genai", "--precision", "int4"],
        ["history", "--since", "2026-10-09", "--gpu", "l40s"],
        ["history", "--model", "phi"],
        ["history", "--gpu", "NVIDIA H100"],
    ];

    [Fact]
    public void History_filters_match_exactly_and_say_when_nothing_matches()
    {
        using var root = new TempDir();
        var results = WriteRuns(root);
        int Rows(params string[] args)
        {
            var o = Cli(root, [.. args, "--results", results, "--out", root.Combine("charts")]);
            Assert.Equal(0, o.ExitCode);
            return o.Out.Split('\n').Count(l => l.StartsWith("2026-", StringComparison.Ordinal));
        }
        Assert.Equal(5, Rows("history"));
        Assert.Equal(2, Rows("history", "--gpu", "h100"));                       // catalog alias h100 = h100-sxm: "NVIDIA H100 80GB HBM3"
        Assert.Equal(2, Rows("history", "--gpu", "nvidia h100 80gb hbm3"));      // the NVML name, any case
        Assert.Equal(1, Rows("history", "--gpu", "h200"));
        Assert.Equal(1, Rows("history", "--gpu", "cpu"));
        Assert.Equal(1, Rows("history", "--gpu", "AMD EPYC 9654"));              // a CPU run's hardware label
        Assert.Equal(4, Rows("history", "--model", "phi-3-mini"));
        Assert.Equal(1, Rows("history", "--host", "gpu-box-2"));
        Assert.Equal(2, Rows("history", "--until", "2026-10-08"));               // a date: through the end of that day
        Assert.Equal(1, Rows("history", "--since", "2026-10-08", "--gpu", "h100"));
        Assert.Equal(3, Rows("history", "--since", "2026-10-10"));

        // Substrings no longer match: one line, exit 0.
        var none = Cli(root, "history", "--model", "phi", "--results", results);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal($"no runs match model=phi in {results}", none.Out.Trim());
        Assert.StartsWith("no runs match gpu=NVIDIA H100 in", Cli(root, "history", "--gpu", "NVIDIA H100", "--results", results).Out);
        Assert.Equal(2, Cli(root, "history", "--until", "soon", "--results", results).ExitCode);
    }

    [Fact]
    public void Sqlite_store_gives_the_same_history_and_compare_as_the_folders()
    {
        using var root = new TempDir();
        var results = WriteRuns(root);
        var db = root.Combine("store", "runs.db");
        SameOutputs(root, results, [("folders", [], results), ("sqlite", ["--store", db], db)], db); // folders: the default results/ of the project root
    }

    [PostgresFact]
    public void Sqlite_and_postgres_stores_give_identical_history_and_compare_output()
    {
        using var root = new TempDir();
        using var pg = new PostgresBackend();
        var results = WriteRuns(root);
        var db = root.Combine("store", "runs.db");
        var pgDisplay = InferenceEconomics.Store.StoreLocation.Parse(pg.Location).Display;
        Assert.DoesNotContain(pg.Password, pgDisplay);
        SameOutputs(root, results, [("sqlite", ["--store", db], db), ("postgres", ["--store", pg.Location], pgDisplay)], db);
    }

    /// <summary>Pushes the folders into each store, then runs the same history and compare queries on every source: outputs equal but for where they read.</summary>
    private static void SameOutputs(TempDir root, string results, (string Name, string[] Source, string Description)[] sources, string sqlite)
    {
        var push = Cli(root, "push", "--all", "--results", results, "--store", sqlite);
        Assert.Equal(0, push.ExitCode);
        Assert.Contains("5 run(s) pushed", push.Out);
        Assert.Contains("5 stored, 0 already there", push.Out);
        foreach (var (_, source, _) in sources.Where(s => s.Source.Length > 0))
            Assert.Equal(0, Cli(root, "push", "--all", "--results", results, source[0], source[1]).ExitCode);

        string Normalize(string text, string description) =>
            text.Replace(results + Path.DirectorySeparatorChar, "").Replace(description, "<source>");

        var queries = HistoryQueries.Select(q => q.Concat(["--out", root.Combine("charts")]).ToArray()).Concat(
        [
            ["compare", "run-1", "run-2"],
            ["compare", "run-1", "run-5", "--threshold", "1%", "--json"],
            ["compare", "--latest", "gpu=h100", "--vs", "gpu=h200,model=phi-3-mini"],
            ["compare", "--latest", "gpu=h100,until=2026-10-05", "--vs", "gpu=h100,host=gpu-box-2"],
            ["compare", "--latest", "gpu=b200", "--vs", "gpu=h200"],
        ]).ToList();
        foreach (var q in queries)
        {
            var outs = sources.Select(s => (s.Name, Outcome: Cli(root, [.. q, .. s.Source]), s.Description)).ToList();
            var first = outs[0];
            foreach (var o in outs.Skip(1))
            {
                Assert.True(first.Outcome.ExitCode == o.Outcome.ExitCode, $"{string.Join(' ', q)}: exit {first.Outcome.ExitCode} ({first.Name}) vs {o.Outcome.ExitCode} ({o.Name}): {o.Outcome.Err}");
                Assert.Equal(Normalize(first.Outcome.Out, first.Description), Normalize(o.Outcome.Out, o.Description));
                Assert.Equal(Normalize(first.Outcome.Err, first.Description), Normalize(o.Outcome.Err, o.Description));
            }
        }
        // The queries said something: the H100 runs listed, the H200 run faster than the latest H100 one.
        var h100 = Cli(root, "history", "--gpu", "h100", "--store", sqlite);
        Assert.Equal(2, h100.Out.Split('\n').Count(l => l.StartsWith("2026-", StringComparison.Ordinal)));
        var latest = Cli(root, "compare", "--latest", "gpu=h100", "--vs", "gpu=h200", "--store", sqlite);
        Assert.Equal(0, latest.ExitCode);
        Assert.Contains("baseline : run-2", latest.Out);
        Assert.Contains("candidate: run-5", latest.Out);
        Assert.Contains("Faster", latest.Out);
        var nothing = Cli(root, "compare", "--latest", "gpu=b200", "--vs", "gpu=h200", "--store", sqlite);
        Assert.Equal(11, nothing.ExitCode);
        Assert.Contains("no runs match gpu=b200", nothing.Err);
    }

    [Fact]
    public void Push_reports_conflicts_skips_running_runs_and_replaces_on_request()
    {
        using var root = new TempDir();
        var results = WriteRuns(root);
        var db = root.Combine("runs.db");
        var running = TestRuns.Build(seed: 6) with { Status = RunStatus.Running };
        ResultStore.Save(running, Path.Combine(results, "run-6"));

        var first = Cli(root, "push", "--all", "--results", results, "--store", db);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("5 stored", first.Out);
        Assert.Contains("warning: skipped 1 run(s): " + Path.Combine(results, "run-6") + " (status 'running'", first.Err);

        // The same run id with other content: reported, nothing overwritten, exit 16.
        ResultStore.Save(TestRuns.SlowDecode(TestRuns.Build(seed: 2, started: D0.AddDays(7), gpu: "NVIDIA H100 80GB HBM3", host: "gpu-box-2", speed: 1.05)), Path.Combine(results, "run-2"));
        var conflict = Cli(root, "push", "run-2", "--results", results, "--store", db);
        Assert.Equal(16, conflict.ExitCode);
        Assert.Contains("conflict  run-2: stored with other content", conflict.Out);
        Assert.StartsWith("error: 1 run id(s) already stored with different content (first: run-2); nothing was overwritten", conflict.Err);
        var replaced = Cli(root, "push", Path.Combine(results, "run-2"), "--replace", "--store", db);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Contains("replaced  run-2", replaced.Out);
        // Named runs are read first: a missing one stops the push before anything is stored.
        Assert.Equal(11, Cli(root, "push", "run-6", "no-such-run", "--results", results, "--store", db).ExitCode);
        Assert.Equal(2, Cli(root, "push", "--results", results, "--store", db).ExitCode);
    }

    [Fact]
    public void A_run_records_itself_in_the_store_and_report_renders_a_stored_run()
    {
        using var tmp = new TempDir();
        var db = tmp.Combine("runs.db");
        var run = CliRunner.Run("--model", "synthetic:tiny", "--batch", "1", "--prompt-tokens", "8", "--gen-tokens", "4", "--min-reps", "1", "--max-reps", "2",
            "--time-budget", "1", "--warmup", "0", "--no-idle", "--no-telemetry", "--results", tmp.Combine("results"), "--store", db, "--quiet");
        Assert.True(run.ExitCode == 0, run.Err);
        var folder = Directory.GetDirectories(tmp.Combine("results")).Single();
        var id = Path.GetFileName(folder);
        Assert.Contains($"stored: run {id} in {db}", run.Out);

        using (var store = InferenceEconomics.Store.ResultStores.Open(InferenceEconomics.Store.StoreLocation.Parse(db)))
        {
            // What the run recorded is exactly its result.json: pushing the folder finds it already there.
            Assert.Equal(InferenceEconomics.Store.PushStatus.AlreadyStored, store.Push([InferenceEconomics.Store.StoredDocument.Load(folder)])[0].Status);
            Assert.Equal(ResultJson.Serialize(ResultStore.Load(folder)), ResultJson.Serialize(store.Load(id)!));
        }
        var report = CliRunner.Run("report", id, "--store", db, "--out", tmp.Combine("rendered"), "--only", "csv");
        Assert.True(report.ExitCode == 0, report.Err);
        Assert.True(File.Exists(tmp.Combine("rendered", "scenarios.csv")));
        Assert.Equal(11, CliRunner.Run("report", "no-such-run", "--store", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("--model", "synthetic:tiny", "--batch", "1", "--prompt-tokens", "8", "--gen-tokens", "4", "--min-reps", "1", "--max-reps", "1",
            "--time-budget", "1", "--warmup", "0", "--no-idle", "--no-telemetry", "--results", tmp.Combine("results"), "--no-store", "--store", tmp.Combine("other.db"), "--quiet").ExitCode);
        Assert.False(File.Exists(tmp.Combine("other.db"))); // --no-store: nothing recorded
    }

    [Fact]
    public void A_store_that_cannot_be_opened_is_one_line_with_exit_15_and_no_password()
    {
        using var root = new TempDir();
        WriteRuns(root);
        var missing = Cli(root, "history", "--store", root.Combine("nowhere.db"));
        Assert.Equal(15, missing.ExitCode);
        Assert.StartsWith("error: no results store at ", missing.Err);
        // A port nothing listens on (connection refused at once).
        var refused = Cli(root, "history", "--store", "postgres://ie:hunter2secret@127.0.0.1:9/ie");
        Assert.Equal(15, refused.ExitCode);
        Assert.Single(refused.Err.Trim().Split('\n'));
        Assert.Contains("postgres://ie:***@127.0.0.1:9/ie", refused.Err);
        Assert.DoesNotContain("hunter2secret", refused.Err + refused.Out);
    }

    [PostgresFact]
    public void A_wrong_postgres_password_is_exit_15_and_never_printed()
    {
        using var root = new TempDir();
        var url = new Uri(Services.PostgresUrl!);
        var bad = $"postgres://{url.UserInfo.Split(':')[0]}:not-the-Password-42@{url.Host}:{url.Port}/{url.AbsolutePath.Trim('/')}";
        var o = Cli(root, "history", "--store", bad, "--verbose");
        Assert.Equal(15, o.ExitCode);
        Assert.Contains("password authentication failed", o.Err);
        Assert.DoesNotContain("not-the-Password-42", o.Err + o.Out);
    }
}
