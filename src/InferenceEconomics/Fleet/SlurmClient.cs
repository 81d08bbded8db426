using System.Diagnostics;
using System.Globalization;
using InferenceEconomics.Store;

namespace InferenceEconomics.Fleet;

/// <summary>The state of one array task as the scheduler tells it (null fields: unknown to it).</summary>
public sealed record SchedulerTask(int Task, string State, string? ExitCode, string Source);

/// <summary>
/// Talks to Slurm through its own commands: sbatch to submit, squeue (live tasks), scontrol (recently
/// finished, within MinJobAge) and sacct (history, where accounting is enabled) for progress.
/// </summary>
public sealed class SlurmClient(TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    public static bool Available => FindOnPath("sbatch") is not null;

    /// <summary>Submits a script; the environment gets IE_STORE (the store's URL, for the tasks only). Returns the job id.</summary>
    public string Submit(string scriptPath, StoreLocation store)
    {
        var (code, stdout, stderr) = Run("sbatch", ["--parsable", scriptPath], new Dictionary<string, string> { [StoreLocation.EnvironmentVariable] = store.Original });
        if (code != 0)
            throw new InferenceEconomicsException(ErrorKind.SchedulerUnavailable, $"sbatch refused {scriptPath}: {OneLine(stderr)} (exit {code})");
        var id = stdout.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new InferenceEconomicsException(ErrorKind.SchedulerUnavailable, $"sbatch gave no job id for {scriptPath} (it printed '{OneLine(stdout)}')");
        return id;
    }

    /// <summary>Every task of an array job the scheduler still knows, from squeue, then scontrol, then sacct; with a note on what it could not ask.</summary>
    public (IReadOnlyList<SchedulerTask> Tasks, IReadOnlyList<string> Notes) Tasks(string jobId)
    {
        var tasks = new Dictionary<int, SchedulerTask>();
        var notes = new List<string>();

        var (code, output, err) = Run("squeue", ["-h", "-r", "-j", jobId, "-o", "%K|%T"]);
        if (code == 0)
            foreach (var line in Lines(output))
                if (line.Split('|') is [var k, var state] && int.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t))
                    tasks[t] = new SchedulerTask(t, state, null, "squeue");
        // squeue fails for a job it no longer lists ("Invalid job id specified"): finished, not an error.
        if (code != 0 && !err.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) notes.Add($"squeue: {OneLine(err)}");

        (code, output, err) = Run("scontrol", ["show", "job", "-o", jobId]);
        if (code == 0)
            foreach (var line in Lines(output))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
                    .GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]);
                if (fields.TryGetValue("ArrayTaskId", out var k) && int.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t)
                    && fields.TryGetValue("JobState", out var state) && !tasks.ContainsKey(t))
                    tasks[t] = new SchedulerTask(t, state, fields.GetValueOrDefault("ExitCode"), "scontrol");
            }

        (code, output, err) = Run("sacct", ["-n", "-P", "-X", "-j", jobId, "-o", "JobID,State,ExitCode"]);
        if (code == 0 && !output.Contains("accounting storage is disabled", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var line in Lines(output))
                if (line.Split('|') is [var id, var state, var exit] && id.Split('_') is [_, var k]
                    && int.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && !tasks.ContainsKey(t))
                    tasks[t] = new SchedulerTask(t, state.Split(' ')[0], exit, "sacct");
        }
        else notes.Add("sacct: no job accounting on this cluster; finished tasks are known only for a few minutes (scontrol) and by their runs in the store");
        return (tasks.Values.OrderBy(t => t.Task).ToList(), notes);
    }

    private (int Code, string Stdout, string Stderr) Run(string tool, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var path = FindOnPath(tool) ?? throw new InferenceEconomicsException(ErrorKind.SchedulerUnavailable,
            $"{tool} is not on PATH; run this on a Slurm login node (or install slurm-client)");
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InferenceEconomicsException(ErrorKind.SchedulerUnavailable, $"{tool} could not be started");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(_timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new InferenceEconomicsException(ErrorKind.SchedulerUnavailable, $"{tool} did not answer within {_timeout.TotalSeconds:0} s; is slurmctld up?");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static IEnumerable<string> Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    private static string OneLine(string s) => string.Join(' ', Lines(s));
}

/// <summary>One task of a fleet job: what the scheduler says and the run it stored, if any.</summary>
public sealed record FleetTaskStatus(int Task, string? SchedulerState, string? ExitCode, StoredRunInfo? Run);

public sealed record FleetStatusReport(string Job, IReadOnlyList<FleetTaskStatus> Tasks, IReadOnlyList<string> Notes)
{
    public int Stored => Tasks.Count(t => t.Run is not null);
    public int Live => Tasks.Count(t => t.Run is null && t.SchedulerState is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING");
    public int Failed => Tasks.Count(t => t.Run is null && t.SchedulerState is not null and not ("PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING"));
}

/// <summary>fleet status: a job's tasks from the scheduler joined with the runs they pushed to the store.</summary>
public static class FleetStatus
{
    /// <param name="tasks">The array size when known (from the script), so tasks neither the scheduler nor the store knows still show.</param>
    public static FleetStatusReport Slurm(string jobId, IResultStore store, SlurmClient? client, int? tasks = null)
    {
        var notes = new List<string>();
        IReadOnlyList<SchedulerTask> scheduler = [];
        if (client is not null)
        {
            var (t, n) = client.Tasks(jobId);
            scheduler = t;
            notes.AddRange(n);
        }
        else notes.Add("no Slurm commands on this machine: progress from the store only");
        return Join(SchedulerJob.SlurmLabel(jobId), scheduler, store.RunsOfJob(SchedulerJob.SlurmLabel(jobId)), tasks, notes);
    }

    /// <summary>A Kubernetes job: progress from the store (the tool does not call kubectl; `kubectl get job NAME` shows the pods).</summary>
    public static FleetStatusReport Kubernetes(string jobName, IResultStore store, int? tasks = null) =>
        Join(SchedulerJob.KubernetesLabel(jobName), [], store.RunsOfJob(SchedulerJob.KubernetesLabel(jobName)), tasks,
            ["scheduler state: kubectl get pods -l batch.kubernetes.io/job-name=" + jobName]);

    private static FleetStatusReport Join(string label, IReadOnlyList<SchedulerTask> scheduler, IReadOnlyList<StoredRunInfo> runs, int? count, List<string> notes)
    {
        var indexes = scheduler.Select(t => t.Task).Concat(runs.Where(r => r.JobTask is not null).Select(r => r.JobTask!.Value))
            .Concat(count is { } n ? Enumerable.Range(0, n) : []).Distinct().Order().ToList();
        var list = indexes.Select(i =>
        {
            var s = scheduler.FirstOrDefault(t => t.Task == i);
            var run = runs.LastOrDefault(r => r.JobTask == i);
            return new FleetTaskStatus(i, s?.State, s?.ExitCode, run);
        }).ToList();
        return new FleetStatusReport(label, list, notes);
    }
}
