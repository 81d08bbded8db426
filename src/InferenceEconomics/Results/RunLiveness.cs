using System.Diagnostics;

namespace InferenceEconomics.Results;

/// <summary>
/// Whether a "running" run is still being written: the run records its process (pid, host, start time);
/// a reader on the same host whose check finds that process gone shows the run as <see cref="RunStatus.Abandoned"/>.
/// On another host (or without a record) nothing can be known and the status stays "running".
/// </summary>
public static class RunLiveness
{
    /// <summary>Two start times closer than this are the same process (clock granularity of /proc).</summary>
    private static readonly TimeSpan SameStart = TimeSpan.FromSeconds(2);

    public static RunProcess Current()
    {
        using var me = Process.GetCurrentProcess();
        return new RunProcess(Environment.ProcessId, Environment.MachineName, me.StartTime.ToUniversalTime());
    }

    /// <summary>The document as a reader should see it: "running" becomes "abandoned" when its process is known to be gone.</summary>
    public static RunResult AsSeen(RunResult r) =>
        r.Status == RunStatus.Running && r.Process is { } p && IsGone(p) ? r with { Status = RunStatus.Abandoned } : r;

    /// <summary>True only when it is certain: same host, and no live process with that pid and start time.</summary>
    public static bool IsGone(RunProcess p)
    {
        if (!string.Equals(p.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            using var proc = Process.GetProcessById(p.Pid);
            if (proc.HasExited) return true;
            return (proc.StartTime.ToUniversalTime() - p.StartedUtc.UtcDateTime).Duration() > SameStart; // the pid was reused
        }
        catch (ArgumentException) { return true; }          // no such process
        catch (InvalidOperationException) { return true; }  // it exited while being looked at
        catch (System.ComponentModel.Win32Exception) { return false; } // cannot look: assume alive
    }
}
