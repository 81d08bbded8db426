using System.Runtime.InteropServices;
using System.Text;

namespace InferenceEconomics.Telemetry.Nvml;

/// <summary>
/// The NVIDIA Management Library, loaded at run time (no build-time dependency): the library is
/// opened with NativeLibrary and every entry point is a function pointer, so a machine without a
/// driver simply gets a reason instead of a DllNotFoundException at first call.
/// Signatures follow nvml.h; every call returns an nvmlReturn_t (0 = success).
/// </summary>
internal sealed unsafe class NvmlLibrary : IDisposable
{
    public const int Success = 0;
    public const int ErrorNotSupported = 3;
    public const int ClockSm = 1;      // NVML_CLOCK_SM
    public const int ClockMem = 2;     // NVML_CLOCK_MEM
    public const int TemperatureGpu = 0; // NVML_TEMPERATURE_GPU

    private readonly nint _lib;
    private bool _initialized;

    private readonly delegate* unmanaged<int> _shutdown;
    private readonly delegate* unmanaged<int, byte*> _errorString;
    public readonly delegate* unmanaged<byte*, uint, int> SystemGetDriverVersion;
    public readonly delegate* unmanaged<int*, int> SystemGetCudaDriverVersion;
    public readonly delegate* unmanaged<uint*, int> DeviceGetCount;
    public readonly delegate* unmanaged<uint, nint*, int> DeviceGetHandleByIndex;
    public readonly delegate* unmanaged<nint, byte*, uint, int> DeviceGetName;
    public readonly delegate* unmanaged<nint, byte*, uint, int> DeviceGetUuid;
    public readonly delegate* unmanaged<nint, ulong*, int> DeviceGetTotalEnergyConsumption;
    public readonly delegate* unmanaged<nint, uint*, int> DeviceGetPowerUsage;
    public readonly delegate* unmanaged<nint, uint*, int> DeviceGetEnforcedPowerLimit;
    public readonly delegate* unmanaged<nint, NvmlUtilization*, int> DeviceGetUtilizationRates;
    public readonly delegate* unmanaged<nint, int, uint*, int> DeviceGetClockInfo;
    public readonly delegate* unmanaged<nint, int, uint*, int> DeviceGetTemperature;
    public readonly delegate* unmanaged<nint, NvmlMemory*, int> DeviceGetMemoryInfo;
    /// <summary>nvmlDeviceGetCurrentClocksEventReasons (new name) or ...ThrottleReasons (older drivers); may be null.</summary>
    public readonly delegate* unmanaged<nint, ulong*, int> DeviceGetThrottleReasons;

    public string LibraryName { get; }

    [StructLayout(LayoutKind.Sequential)]
    public struct NvmlUtilization { public uint Gpu; public uint Memory; }

    [StructLayout(LayoutKind.Sequential)]
    public struct NvmlMemory { public ulong Total; public ulong Free; public ulong Used; }

    private NvmlLibrary(nint lib, string name)
    {
        _lib = lib;
        LibraryName = name;
        _shutdown = (delegate* unmanaged<int>)Required("nvmlShutdown");
        _errorString = (delegate* unmanaged<int, byte*>)Required("nvmlErrorString");
        SystemGetDriverVersion = (delegate* unmanaged<byte*, uint, int>)Required("nvmlSystemGetDriverVersion");
        SystemGetCudaDriverVersion = (delegate* unmanaged<int*, int>)Optional("nvmlSystemGetCudaDriverVersion");
        DeviceGetCount = (delegate* unmanaged<uint*, int>)Required("nvmlDeviceGetCount_v2");
        DeviceGetHandleByIndex = (delegate* unmanaged<uint, nint*, int>)Required("nvmlDeviceGetHandleByIndex_v2");
        DeviceGetName = (delegate* unmanaged<nint, byte*, uint, int>)Required("nvmlDeviceGetName");
        DeviceGetUuid = (delegate* unmanaged<nint, byte*, uint, int>)Optional("nvmlDeviceGetUUID");
        DeviceGetTotalEnergyConsumption = (delegate* unmanaged<nint, ulong*, int>)Optional("nvmlDeviceGetTotalEnergyConsumption");
        DeviceGetPowerUsage = (delegate* unmanaged<nint, uint*, int>)Optional("nvmlDeviceGetPowerUsage");
        DeviceGetEnforcedPowerLimit = (delegate* unmanaged<nint, uint*, int>)Optional("nvmlDeviceGetEnforcedPowerLimit");
        DeviceGetUtilizationRates = (delegate* unmanaged<nint, NvmlUtilization*, int>)Optional("nvmlDeviceGetUtilizationRates");
        DeviceGetClockInfo = (delegate* unmanaged<nint, int, uint*, int>)Optional("nvmlDeviceGetClockInfo");
        DeviceGetTemperature = (delegate* unmanaged<nint, int, uint*, int>)Optional("nvmlDeviceGetTemperature");
        DeviceGetMemoryInfo = (delegate* unmanaged<nint, NvmlMemory*, int>)Optional("nvmlDeviceGetMemoryInfo");
        var reasons = Optional("nvmlDeviceGetCurrentClocksEventReasons");
        DeviceGetThrottleReasons = (delegate* unmanaged<nint, ulong*, int>)(reasons != 0 ? reasons : Optional("nvmlDeviceGetCurrentClocksThrottleReasons"));
    }

    public static IReadOnlyList<string> DefaultLibraryNames =>
        OperatingSystem.IsWindows()
            ? ["nvml.dll", Path.Combine(Environment.GetEnvironmentVariable("ProgramW6432") ?? @"C:\Program Files", "NVIDIA Corporation", "NVSMI", "nvml.dll")]
            : ["libnvidia-ml.so.1", "libnvidia-ml.so"];

    /// <summary>
    /// Loads and initializes NVML. On failure returns null and the reason in words: the loader's
    /// own message when the library is missing, the NVML error when initialization fails.
    /// </summary>
    public static NvmlLibrary? TryOpen(IReadOnlyList<string>? names, out string? reason)
    {
        names ??= DefaultLibraryNames;
        var loadErrors = new List<string>();
        foreach (var name in names)
        {
            nint handle;
            try { handle = NativeLibrary.Load(name); }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                loadErrors.Add(LoaderReason(name, e.Message));
                continue;
            }
            NvmlLibrary lib;
            try { lib = new NvmlLibrary(handle, name); }
            catch (EntryPointNotFoundException e)
            {
                NativeLibrary.Free(handle);
                reason = $"{name} loaded but is not NVML ({e.Message})";
                return null;
            }
            var init = (delegate* unmanaged<int>)(NativeLibrary.TryGetExport(handle, "nvmlInit_v2", out var p) ? p : 0);
            if (init == null) { lib.Dispose(); reason = $"{name} loaded but has no nvmlInit_v2 (driver too old?)"; return null; }
            int rc = init();
            if (rc != Success)
            {
                reason = $"nvmlInit_v2 failed: {lib.ErrorString(rc)} (NVML error {rc}); is the NVIDIA driver loaded (nvidia-smi)?";
                lib.Dispose();
                return null;
            }
            lib._initialized = true;
            reason = null;
            return lib;
        }
        reason = $"NVML not found, no NVIDIA driver here ({loadErrors[0]}" + (loadErrors.Count > 1 ? $"; also tried {string.Join(", ", names.Skip(1))})" : ")");
        return null;
    }

    /// <summary>
    /// .NET's message starts with a generic paragraph; the lines after it are the loader's own
    /// (dlerror: "libnvidia-ml.so.1: cannot open shared object file: ..."). Keep those.
    /// </summary>
    internal static string LoaderReason(string name, string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var own = lines.Length > 1 ? string.Join("; ", lines.Skip(1).Distinct()) : lines.FirstOrDefault() ?? message;
        if (own.Length > 300) own = own[..300] + "...";
        return own.StartsWith(name, StringComparison.Ordinal) ? own : $"{name}: {own}";
    }

    private nint Required(string name) =>
        NativeLibrary.TryGetExport(_lib, name, out var p) ? p : throw new EntryPointNotFoundException($"no export {name}");

    private nint Optional(string name) => NativeLibrary.TryGetExport(_lib, name, out var p) ? p : 0;

    public string ErrorString(int rc)
    {
        var p = _errorString(rc);
        return p == null ? $"error {rc}" : Marshal.PtrToStringUTF8((nint)p) ?? $"error {rc}";
    }

    /// <summary>Calls a string getter into a stack buffer; null when it fails.</summary>
    public static string? ReadString(delegate* unmanaged<byte*, uint, int> f)
    {
        if (f == null) return null;
        byte* buf = stackalloc byte[256];
        return f(buf, 256) == Success ? Utf8(buf, 256) : null;
    }

    public static string? ReadString(delegate* unmanaged<nint, byte*, uint, int> f, nint device)
    {
        if (f == null) return null;
        byte* buf = stackalloc byte[256];
        return f(device, buf, 256) == Success ? Utf8(buf, 256) : null;
    }

    private static string Utf8(byte* buf, int max)
    {
        int n = 0;
        while (n < max && buf[n] != 0) n++;
        return Encoding.UTF8.GetString(buf, n);
    }

    public void Dispose()
    {
        if (_initialized) { _shutdown(); _initialized = false; }
        NativeLibrary.Free(_lib);
    }
}
