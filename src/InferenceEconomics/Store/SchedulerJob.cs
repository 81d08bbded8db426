using System.Globalization;

namespace InferenceEconomics.Store;

/// <summary>
/// The scheduler job a run belongs to, read from the environment the scheduler gives its tasks:
/// Slurm (SLURM_ARRAY_JOB_ID / SLURM_ARRAY_TASK_ID, or SLURM_JOB_ID) or a Kubernetes Indexed Job
/// (IE_JOB_NAME, set by the manifest the tool writes, and JOB_COMPLETION_INDEX). Stored beside the
/// run (not in its result document) so that `fleet status` can count a job's runs.
/// </summary>
public sealed record SchedulerJob(string Label, int? Task)
{
    public static string SlurmLabel(string jobId) => $"slurm:{jobId}";
    public static string KubernetesLabel(string jobName) => $"k8s:{jobName}";

    public static SchedulerJob? FromEnvironment(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        static int? Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (env("SLURM_ARRAY_JOB_ID") is { Length: > 0 } array) return new SchedulerJob(SlurmLabel(array), Int(env("SLURM_ARRAY_TASK_ID")));
        if (env("SLURM_JOB_ID") is { Length: > 0 } job) return new SchedulerJob(SlurmLabel(job), null);
        if (env("IE_JOB_NAME") is { Length: > 0 } name) return new SchedulerJob(KubernetesLabel(name), Int(env("JOB_COMPLETION_INDEX")));
        return null;
    }
}
