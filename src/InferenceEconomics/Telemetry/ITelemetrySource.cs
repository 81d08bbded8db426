namespace InferenceEconomics.Telemetry;

/// <summary>
/// One place telemetry comes from (NVML, procfs, RAPL). A source that cannot work here stays
/// available = false with a one-line reason, and the run says "not measured" with that reason.
/// Read is called only from the sampler thread; it must not allocate much or block for long.
/// </summary>
internal interface ITelemetrySource : IDisposable
{
    /// <summary>"nvml", "procfs", "rapl".</summary>
    string Name { get; }
    bool IsAvailable { get; }
    /// <summary>Why the source does not work here (null when available).</summary>
    string? UnavailableReason { get; }
    /// <summary>What it reads when available, e.g. "1 GPU: NVIDIA H200 (energy counter, power, ...)".</summary>
    string? Detail { get; }
    /// <summary>The columns Read fills, in order. Empty when unavailable.</summary>
    IReadOnlyList<TelemetryChannel> Channels { get; }
    /// <summary>Fills values[i] for Channels[i]; NaN where a reading failed this time.</summary>
    void Read(Span<double> values);
}
