using System.Runtime.InteropServices;

namespace InferenceEconomics.Tests.TestSupport;

// Facts that need something of the machine skip with the reason where it is absent: a test never
// passes by returning early, so a pass always means the assertions ran.

/// <summary>A fact that needs the official builder's model in ../shared: skipped, with the reason, where it is absent.</summary>
public sealed class SharedModelFactAttribute : FactAttribute
{
    public SharedModelFactAttribute()
    {
        if (Repo.SharedTinyModel is null) Skip = Repo.SharedModelMissing;
    }
}

/// <summary>Theory form of <see cref="SharedModelFactAttribute"/>.</summary>
public sealed class SharedModelTheoryAttribute : TheoryAttribute
{
    public SharedModelTheoryAttribute()
    {
        if (Repo.SharedTinyModel is null) Skip = Repo.SharedModelMissing;
    }
}

/// <summary>A fact about Linux itself (/proc, the dynamic loader): skipped, with the reason, on other systems.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <param name="needs">what of Linux the test reads, for the skip reason (e.g. "/proc/stat")</param>
    public LinuxFactAttribute(string needs)
    {
        if (!OperatingSystem.IsLinux()) Skip = $"needs Linux ({needs}); this is {RuntimeInformation.OSDescription}";
    }
}

/// <summary>
/// A fact about a machine without the NVIDIA driver (NVML's "not found" path): skipped, with the
/// reason, where the driver library is installed (a GPU box) or the system is not Linux.
/// </summary>
public sealed class NvmlAbsentFactAttribute : FactAttribute
{
    public NvmlAbsentFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = $"the NVML probe paths are Linux's; this is {RuntimeInformation.OSDescription}";
        else if (Nvml.DriverLibrary is { } lib) Skip = $"the NVIDIA driver library is installed ({lib}): the driver-absent path cannot be observed on this machine";
    }
}

/// <summary>A fact about a machine with the NVIDIA driver installed: skipped, with the reason, where it is absent.</summary>
public sealed class NvmlPresentFactAttribute : FactAttribute
{
    public NvmlPresentFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = $"the NVML probe paths are Linux's; this is {RuntimeInformation.OSDescription}";
        else if (Nvml.DriverLibrary is null) Skip = "no NVIDIA driver library (libnvidia-ml.so.1) on this machine";
    }
}

/// <summary>A fact that drives a headless Chromium (or Chrome, Edge): skipped, with the reason, where none is installed.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Browser.Find() is { Path: null } missing) Skip = missing.Reason;
    }
}

/// <summary>A fact that runs PowerShell 7 (pwsh), and bash where asked: skipped, with the reason, where one cannot be started.</summary>
public sealed class PwshFactAttribute : FactAttribute
{
    /// <param name="withBash">the test also runs run.sh, so it needs bash too</param>
    /// <param name="unix">the test needs Linux or macOS (e.g. it links programs into a folder)</param>
    public PwshFactAttribute(bool withBash = false, bool unix = false)
    {
        if (unix && OperatingSystem.IsWindows()) Skip = "needs Linux or macOS (symbolic links to programs); this is Windows";
        else if (withBash && Pwsh.Bash is null) Skip = "bash is not on PATH: run.sh cannot run on this machine";
        else if (Pwsh.Command is null) Skip = Pwsh.MissingReason;
    }
}

/// <summary>Where the NVIDIA driver's NVML library lies, looked for independently of the code under test.</summary>
public static class Nvml
{
    private static readonly string[] LoaderDirs =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/wsl/lib"];

    /// <summary>The path of libnvidia-ml.so.1 in a directory the dynamic loader searches by default; null where there is none.</summary>
    public static string? DriverLibrary { get; } =
        OperatingSystem.IsLinux() ? LoaderDirs.Select(d => Path.Combine(d, "libnvidia-ml.so.1")).FirstOrDefault(File.Exists) : null;
}
