using InferenceEconomics.Results;

namespace InferenceEconomics.Store;

/// <summary>Records a finished run in the results store (what `run` does after writing its folder).</summary>
public static class RunRecorder
{
    /// <summary>Pushes the run with the scheduler job read from the environment (Slurm array task, Kubernetes index).</summary>
    public static (PushOutcome Outcome, string Store) Record(RunResult result, StoreLocation location)
    {
        using var store = ResultStores.Open(location);
        var outcome = store.Push([StoredDocument.Of(result)], new PushOptions { Job = SchedulerJob.FromEnvironment() })[0];
        return (outcome, store.Description);
    }
}
