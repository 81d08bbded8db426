using System.Globalization;
using InferenceEconomics.Results;

namespace InferenceEconomics.Telemetry.Nvml;

/// <summary>
/// Per-GPU readings through NVML. Each GPU's features are probed once at open: a reading the GPU
/// does not support (e.g. the total energy counter before Volta) is simply not a channel, and
/// energy then falls back to integrated power.
/// </summary>
public sealed unsafe class NvmlSource : ITelemetrySource
{
    private readonly NvmlLibrary? _nvml;
    private readonly List<(nint Handle, Quantity Quantity, int Arg)> _reads = [];
    private readonly List<TelemetryChannel> _channels = [];
    /// <summary>Energy counters are relative to the first reading, so joules stay small and exact in a double.</summary>
    private readonly Dictionary<nint, ulong> _energyOriginMj = [];

    public string Name => "nvml";
    public bool IsAvailable => _nvml is not null;
    public string? UnavailableReason { get; }
    public string? Detail { get; }
    public IReadOnlyList<TelemetryChannel> Channels => _channels;
    public IReadOnlyList<GpuInfo> Gpus { get; } = [];

    public NvmlSource(IReadOnlyList<string>? libraryNames = null)
    {
        _nvml = NvmlLibrary.TryOpen(libraryNames, out var reason);
        if (_nvml is null) { UnavailableReason = reason; return; }

        string? driver = NvmlLibrary.ReadString(_nvml.SystemGetDriverVersion);
        string? cuda = null;
        if (_nvml.SystemGetCudaDriverVersion != null)
        {
            int v;
            if (_nvml.SystemGetCudaDriverVersion(&v) == NvmlLibrary.Success) cuda = FormatCudaVersion(v);
        }
        uint count;
        int rc = _nvml.DeviceGetCount(&count);
        if (rc != NvmlLibrary.Success || count == 0)
        {
            UnavailableReason = rc != NvmlLibrary.Success
                ? $"nvmlDeviceGetCount failed: {_nvml.ErrorString(rc)} (NVML error {rc})"
                : $"NVML loaded (driver {driver ?? "?"}) but sees no GPU";
            _nvml.Dispose();
            _nvml = null;
            return;
        }
        var gpus = new List<GpuInfo>();
        var details = new List<string>();
        for (uint i = 0; i < count; i++)
        {
            nint dev;
            if (_nvml.DeviceGetHandleByIndex(i, &dev) != NvmlLibrary.Success) { details.Add($"gpu{i}: no handle"); continue; }
            var name = NvmlLibrary.ReadString(_nvml.DeviceGetName, dev) ?? "unknown NVIDIA GPU";
            var uuid = NvmlLibrary.ReadString(_nvml.DeviceGetUuid, dev);
            long? memTotal = null;
            if (_nvml.DeviceGetMemoryInfo != null)
            {
                NvmlLibrary.NvmlMemory m;
                if (_nvml.DeviceGetMemoryInfo(dev, &m) == NvmlLibrary.Success) memTotal = (long)m.Total;
            }
            double? limitW = null;
            if (_nvml.DeviceGetEnforcedPowerLimit != null)
            {
                uint mw;
                if (_nvml.DeviceGetEnforcedPowerLimit(dev, &mw) == NvmlLibrary.Success) limitW = mw / 1000.0;
            }
            gpus.Add(new GpuInfo(name, uuid, driver, cuda, memTotal, limitW));
            var device = $"gpu{i}";
            var features = new List<string>();
            foreach (var (q, arg, label) in Probes)
            {
                if (!Supported(dev, q, arg)) continue;
                _reads.Add((dev, q, arg));
                _channels.Add(new TelemetryChannel(device, q));
                features.Add(label);
            }
            details.Add($"{device} {name}: {(features.Count > 0 ? string.Join(", ", features) : "no readings supported")}");
        }
        Gpus = gpus;
        Detail = $"driver {driver ?? "?"}, CUDA driver {cuda ?? "?"}; " + string.Join("; ", details);
    }

    private static readonly (Quantity Q, int Arg, string Label)[] Probes =
    [
        (Quantity.EnergyJoules, 0, "energy counter"),
        (Quantity.PowerWatts, 0, "power"),
        (Quantity.UtilizationPercent, 0, "utilization"),
        (Quantity.MemoryUtilizationPercent, 0, "memory utilization"),
        (Quantity.SmClockMhz, NvmlLibrary.ClockSm, "SM clock"),
        (Quantity.MemClockMhz, NvmlLibrary.ClockMem, "memory clock"),
        (Quantity.TemperatureC, NvmlLibrary.TemperatureGpu, "temperature"),
        (Quantity.MemoryUsedBytes, 0, "memory used"),
        (Quantity.ThrottleReasons, 0, "throttle reasons"),
    ];

    private bool Supported(nint dev, Quantity q, int arg) => !double.IsNaN(ReadOne(dev, q, arg, probing: true));

    /// <summary>"12040" -> "12.4" (NVML encodes major x 1000 + minor x 10).</summary>
    public static string FormatCudaVersion(int v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v / 1000}.{v % 1000 / 10}");

    public void Read(Span<double> values)
    {
        for (int i = 0; i < _reads.Count; i++)
        {
            var (dev, q, arg) = _reads[i];
            values[i] = ReadOne(dev, q, arg, probing: false);
        }
    }

    private double ReadOne(nint dev, Quantity q, int arg, bool probing)
    {
        var n = _nvml!;
        uint u;
        switch (q)
        {
            case Quantity.EnergyJoules:
                if (n.DeviceGetTotalEnergyConsumption == null) return double.NaN;
                ulong mj;
                if (n.DeviceGetTotalEnergyConsumption(dev, &mj) != NvmlLibrary.Success) return double.NaN;
                if (probing) { _energyOriginMj[dev] = mj; return 0; }
                return (mj - _energyOriginMj[dev]) / 1000.0;
            case Quantity.PowerWatts:
                if (n.DeviceGetPowerUsage == null || n.DeviceGetPowerUsage(dev, &u) != NvmlLibrary.Success) return double.NaN;
                return u / 1000.0;
            case Quantity.UtilizationPercent:
            case Quantity.MemoryUtilizationPercent:
                if (n.DeviceGetUtilizationRates == null) return double.NaN;
                NvmlLibrary.NvmlUtilization ut;
                if (n.DeviceGetUtilizationRates(dev, &ut) != NvmlLibrary.Success) return double.NaN;
                return q == Quantity.UtilizationPercent ? ut.Gpu : ut.Memory;
            case Quantity.SmClockMhz:
            case Quantity.MemClockMhz:
                if (n.DeviceGetClockInfo == null || n.DeviceGetClockInfo(dev, arg, &u) != NvmlLibrary.Success) return double.NaN;
                return u;
            case Quantity.TemperatureC:
                if (n.DeviceGetTemperature == null || n.DeviceGetTemperature(dev, arg, &u) != NvmlLibrary.Success) return double.NaN;
                return u;
            case Quantity.MemoryUsedBytes:
                if (n.DeviceGetMemoryInfo == null) return double.NaN;
                NvmlLibrary.NvmlMemory m;
                if (n.DeviceGetMemoryInfo(dev, &m) != NvmlLibrary.Success) return double.NaN;
                return m.Used;
            case Quantity.ThrottleReasons:
                if (n.DeviceGetThrottleReasons == null) return double.NaN;
                ulong r;
                if (n.DeviceGetThrottleReasons(dev, &r) != NvmlLibrary.Success) return double.NaN;
                return r;
            default:
                return double.NaN;
        }
    }

    public void Dispose() => _nvml?.Dispose();
}

/// <summary>NVML clock event reason bits (nvml.h nvmlClocksEventReason*) that mean the GPU was held back.</summary>
internal static class ThrottleReasons
{
    public const ulong SwPowerCap = 0x4;
    public const ulong HwSlowdown = 0x8;
    public const ulong SwThermalSlowdown = 0x20;
    public const ulong HwThermalSlowdown = 0x40;
    public const ulong HwPowerBrakeSlowdown = 0x80;

    /// <summary>Words for the throttling bits set in a mask ("power cap", "thermal"...); idle and app-clock bits are not throttling.</summary>
    public static IReadOnlyList<string> Describe(ulong mask)
    {
        var list = new List<string>();
        if ((mask & SwPowerCap) != 0) list.Add("power cap");
        if ((mask & HwPowerBrakeSlowdown) != 0) list.Add("power brake");
        if ((mask & (SwThermalSlowdown | HwThermalSlowdown)) != 0) list.Add("thermal");
        if ((mask & HwSlowdown) != 0) list.Add("hardware slowdown");
        return list;
    }
}
