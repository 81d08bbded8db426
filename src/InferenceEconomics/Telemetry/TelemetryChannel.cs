namespace InferenceEconomics.Telemetry;

/// <summary>What one channel measures. The unit follows from the quantity.</summary>
public enum Quantity
{
    /// <summary>Cumulative energy in joules since the source opened (a counter: use differences).</summary>
    EnergyJoules,
    PowerWatts,
    /// <summary>GPU busy, percent (NVML).</summary>
    UtilizationPercent,
    /// <summary>GPU memory controller busy, percent (NVML).</summary>
    MemoryUtilizationPercent,
    SmClockMhz,
    MemClockMhz,
    TemperatureC,
    MemoryUsedBytes,
    /// <summary>NVML clock event (throttle) reason bit mask, stored as a double (exact below 2^53).</summary>
    ThrottleReasons,
    /// <summary>Whole-machine CPU busy, percent of all logical cores.</summary>
    SystemCpuPercent,
    /// <summary>This process's CPU time, percent of all logical cores.</summary>
    ProcessCpuPercent,
    RssBytes,
    PeakRssBytes,
}

/// <summary>
/// How a value relates to time. Gauge: an instant reading. Counter: cumulative, take differences.
/// Interval: the average over (previous sample, this sample], e.g. CPU percent from tick deltas.
/// </summary>
public enum ChannelKind { Gauge, Counter, Interval }

/// <summary>One column of the sample table: a quantity of one device ("gpu0", "cpu-package-0", "host").</summary>
public sealed record TelemetryChannel(string Device, Quantity Quantity)
{
    public string Name => $"{Device}.{Key}";

    public string Key => Quantity switch
    {
        Quantity.EnergyJoules => "energy",
        Quantity.PowerWatts => "power",
        Quantity.UtilizationPercent => "util",
        Quantity.MemoryUtilizationPercent => "mem_util",
        Quantity.SmClockMhz => "sm_clock",
        Quantity.MemClockMhz => "mem_clock",
        Quantity.TemperatureC => "temperature",
        Quantity.MemoryUsedBytes => "mem_used",
        Quantity.ThrottleReasons => "throttle_reasons",
        Quantity.SystemCpuPercent => "system_cpu",
        Quantity.ProcessCpuPercent => "process_cpu",
        Quantity.RssBytes => "rss",
        Quantity.PeakRssBytes => "peak_rss",
        _ => Quantity.ToString(),
    };

    public string Unit => Quantity switch
    {
        Quantity.EnergyJoules => "J",
        Quantity.PowerWatts => "W",
        Quantity.UtilizationPercent or Quantity.MemoryUtilizationPercent or Quantity.SystemCpuPercent or Quantity.ProcessCpuPercent => "%",
        Quantity.SmClockMhz or Quantity.MemClockMhz => "MHz",
        Quantity.TemperatureC => "C",
        Quantity.MemoryUsedBytes or Quantity.RssBytes or Quantity.PeakRssBytes => "bytes",
        Quantity.ThrottleReasons => "mask",
        _ => "",
    };

    public ChannelKind Kind { get; init; } = Quantity == Quantity.EnergyJoules ? ChannelKind.Counter : ChannelKind.Gauge;
}
