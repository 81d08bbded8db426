namespace InferenceEconomics.Common;

/// <summary>
/// IProgress that reports on the caller's thread, in order. System.Progress&lt;T&gt; posts to the thread
/// pool when there is no synchronization context (a console app), so reports arrive late and out of
/// order — wrong for a progress bar and for a sink that must react (cancel) at a given point.
/// </summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
