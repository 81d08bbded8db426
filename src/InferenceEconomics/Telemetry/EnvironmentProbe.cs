using System.Runtime.InteropServices;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry.Nvml;
using InferenceEconomics.Telemetry.Procfs;

namespace InferenceEconomics.Telemetry;

/// <summary>What machine a run happened on: host, OS, CPU, memory, .NET, package versions, GPUs.</summary>
internal static class EnvironmentProbe
{
    /// <summary>
    /// Probes the machine. GPUs: pass the recorder's list when telemetry already opened NVML;
    /// null opens NVML briefly here (an empty list where there is none).
    /// </summary>
    public static EnvironmentInfo Probe(IReadOnlyList<GpuInfo>? gpus = null, string procRoot = "/proc")
    {
        if (gpus is null)
        {
            using var nvml = new NvmlSource();
            gpus = nvml.Gpus;
        }
        return new EnvironmentInfo
        {
            Host = Environment.MachineName,
            Os = RuntimeInformation.OSDescription.Trim() + " " + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            CpuModel = CpuModel(procRoot),
            LogicalCores = Environment.ProcessorCount,
            MemoryBytes = MemoryBytes(procRoot),
            DotnetVersion = RuntimeInformation.FrameworkDescription.Replace(".NET ", "", StringComparison.Ordinal),
            // The engines' own view first (Engines/Versions), the app's deps.json where that is unknown.
            OrtVersion = Known(Engines.Versions.Ort) ?? PackageVersion(["Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime.Gpu", "Microsoft.ML.OnnxRuntime"]),
            GenAiVersion = Known(Engines.Versions.GenAi) ?? PackageVersion(["Microsoft.ML.OnnxRuntimeGenAI.Cuda", "Microsoft.ML.OnnxRuntimeGenAI"]),
            Gpus = gpus,
        };
    }

    /// <summary>The run's environment (what RunOrchestrator records); GPUs from NVML as in <see cref="Probe"/>.</summary>
    public static EnvironmentInfo Collect(IReadOnlyList<GpuInfo>? gpus = null) => Probe(gpus);

    private static string? Known(string v) => v is { Length: > 0 } and not "unknown" and not "0.0.0.0" && !v.StartsWith("0.0.0", StringComparison.Ordinal) ? v : null;

    /// <summary>"model name" of /proc/cpuinfo on Linux; else the environment's processor identifier; else the architecture.</summary>
    public static string CpuModel(string procRoot = "/proc")
    {
        try
        {
            var path = Path.Combine(procRoot, "cpuinfo");
            if (File.Exists(path))
                foreach (var line in File.ReadLines(path))
                {
                    // x86 says "model name", some ARM kernels only "Hardware" or "CPU part".
                    if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Hardware", StringComparison.Ordinal))
                        if (line.IndexOf(':') is var c and > 0 && line[(c + 1)..].Trim() is { Length: > 0 } name) return name;
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") is { Length: > 0 } id
            ? id : $"unknown {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()} CPU";
    }

    /// <summary>MemTotal from /proc/meminfo; elsewhere the GC's view of physical memory.</summary>
    public static long? MemoryBytes(string procRoot = "/proc")
    {
        try
        {
            var path = Path.Combine(procRoot, "meminfo");
            if (File.Exists(path)) return ProcfsParser.ParseMemTotal(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        var gc = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return gc > 0 ? gc : null;
    }

    /// <summary>MemAvailable from /proc/meminfo (memory a new load can take without swapping); null elsewhere.</summary>
    public static long? AvailableMemoryBytes(string procRoot = "/proc")
    {
        try
        {
            var path = Path.Combine(procRoot, "meminfo");
            if (File.Exists(path)) return ProcfsParser.ParseMeminfoField(File.ReadAllText(path), "MemAvailable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }

    /// <summary>
    /// The NuGet package version the app was built with, from its deps.json ("libraries":
    /// "Name/1.2.3"); the first of the names found wins. Null when not found (never "0.0.0.0":
    /// the GenAI managed assembly carries no version of its own).
    /// </summary>
    public static string? PackageVersion(IReadOnlyList<string> packageNames)
    {
        try
        {
            var deps = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';').FirstOrDefault(File.Exists); // ";"-separated on every OS
            if (deps is null) return null;
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(deps));
            if (!doc.RootElement.TryGetProperty("libraries", out var libs)) return null;
            foreach (var name in packageNames)
                foreach (var lib in libs.EnumerateObject())
                    if (lib.Name.StartsWith(name + "/", StringComparison.OrdinalIgnoreCase)) return lib.Name[(name.Length + 1)..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException) { }
        return null;
    }
}
