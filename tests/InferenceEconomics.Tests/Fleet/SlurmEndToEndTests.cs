using System.Diagnostics;
using System.Text.RegularExpressions;
using InferenceEconomics.Store;
using InferenceEconomics.Tests.TestSupport;
using Xunit.Abstractions;

using InferenceEconomics.Tests.Store;

namespace InferenceEconomics.Tests.Fleet;

/// <summary>
/// The fleet on a real Slurm (scripts/services/slurm.sh: one node, this machine) and a real PostgreSQL:
/// a two-task array of short CPU runs is submitted with sbatch, each task measures synthetic:tiny on its
/// node and records its run in the store; both runs are then found in PostgreSQL, in history and in
/// fleet status.
/// </summary>
public class SlurmEndToEndTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [SlurmFact]
    public void A_two_task_array_job_records_both_runs_in_postgres()
    {
        using var db = new PostgresBackend();
        using var tmp = new TempDir();
        var ie = Path.Combine(AppContext.BaseDirectory, "ie.dll"); // the CLI this test suite built
        var sw = Stopwatch.StartNew();
        var submit = CliRunner.Run("fleet", "slurm", "--models", "synthetic:tiny", "--batch", "1", "--prompt-tokens", "8,16", "--gen-tokens", "4",
            "--split", "prompt", "--partitions", Services.SlurmPartition, "--cpus-per-task", "1", "--time", "00:10:00", "--name", "ie-e2e",
            "--ie-command", $"dotnet {ie}", "--results", tmp.Combine("results"), "--out", tmp.Combine("fleet"), "--store", db.Location, "--submit",
            "--", "--min-reps", "1", "--max-reps", "2", "--time-budget", "1", "--warmup", "0", "--no-idle", "--no-telemetry", "--threads", "1");
        log.WriteLine(submit.Out + submit.Err);
        Assert.True(submit.ExitCode == 0, submit.Err);
        var job = Regex.Match(submit.Out, @"job (\d+) \(2 task\(s\)\)").Groups[1].Value;
        Assert.NotEmpty(job);

        using var store = ResultStores.Open(StoreLocation.Parse(db.Location));
        IReadOnlyList<StoredRunInfo> runs = [];
        while (sw.Elapsed < Bound)
        {
            runs = store.RunsOfJob(SchedulerJob.SlurmLabel(job));
            if (runs.Count == 2 || TasksEndedWithoutRuns(job, runs.Count)) break;
            Thread.Sleep(1000);
        }
        var logs = Directory.GetFiles(tmp.Combine("fleet", "logs")).Order().Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}").ToList();
        foreach (var l in logs) log.WriteLine(l);
        log.WriteLine($"slurm job {job}: {runs.Count} run(s) stored after {sw.Elapsed.TotalSeconds:0.0} s");
        Assert.True(runs.Count == 2, $"job {job}: {runs.Count} of 2 runs stored within {Bound.TotalMinutes} min; task logs:\n{string.Join('\n', logs)}");
        Assert.Equal([0, 1], runs.Select(r => r.JobTask!.Value).Order());
        Assert.All(runs, r => Assert.Equal("complete", r.Status));
        Assert.All(logs, l => Assert.DoesNotContain(db.Password, l)); // the logs say where runs went, without the password

        // Each task ran its own cell: prompt 8 on task 0, 16 on task 1.
        var prompts = runs.OrderBy(r => r.JobTask).Select(r => store.Load(r.RunId)!.Scenarios.Single().PromptTokens).ToList();
        Assert.Equal([8, 16], prompts);

        var history = CliRunner.Run("history", "--store", db.Location, "--model", "synthetic:tiny", "--gpu", "cpu", "--out", tmp.Combine("charts"));
        log.WriteLine(history.Out);
        Assert.Equal(0, history.ExitCode);
        foreach (var r in runs) Assert.Contains(r.RunId, history.Out);
        Assert.Equal(2, history.Out.Split('\n').Count(l => l.Contains(" complete ")));

        var status = CliRunner.Run("fleet", "status", "--job", job, "--tasks", "2", "--store", db.Location);
        log.WriteLine(status.Out);
        Assert.Equal(0, status.ExitCode);
        Assert.StartsWith($"job slurm:{job}: 2 task(s): 2 stored in", status.Out);
    }

    /// <summary>True when the scheduler no longer runs any task of the job though fewer runs are stored: waiting longer cannot help.</summary>
    private static bool TasksEndedWithoutRuns(string job, int stored)
    {
        var psi = new ProcessStartInfo("squeue", ["-h", "-r", "-j", job, "-o", "%K"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return o.Trim().Length == 0 && stored < 2 && !WaitingForStore(job);
    }

    // A task that just ended may still be committing its push: give it a moment before giving up.
    private static readonly Dictionary<string, DateTime> FirstIdle = [];
    private static bool WaitingForStore(string job)
    {
        if (!FirstIdle.TryGetValue(job, out var t)) FirstIdle[job] = t = DateTime.UtcNow;
        return DateTime.UtcNow - t < TimeSpan.FromSeconds(10);
    }
}
