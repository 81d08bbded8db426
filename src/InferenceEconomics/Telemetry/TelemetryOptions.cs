namespace InferenceEconomics.Telemetry;

/// <summary>
/// How telemetry is sampled during a run. Paths are injectable so tests can point the readers
/// at a fake tree in a temp folder; null means the real system location.
/// </summary>
public sealed record TelemetryOptions(int SampleMs = 50, bool Enabled = true, double IdleBaselineSeconds = 3.0)
{
    public const int MinSampleMs = 5;
    public const int MaxSampleMs = 60_000;

    /// <summary>Samples kept in the ring (older ones are overwritten). 65 536 x 50 ms ~ 55 minutes.</summary>
    public int RingCapacity { get; init; } = 65_536;
    /// <summary>Most points per chart series in the result; the whole run is kept at coarser resolution.</summary>
    public int MaxSeriesPoints { get; init; } = 1_024;
    /// <summary>Root of /proc (procfs source).</summary>
    public string ProcRoot { get; init; } = "/proc";
    /// <summary>Root of the powercap class (RAPL source).</summary>
    public string PowercapRoot { get; init; } = "/sys/class/powercap";
    /// <summary>NVML library names tried in order; null = the platform default (libnvidia-ml.so.1 / nvml.dll).</summary>
    public IReadOnlyList<string>? NvmlLibraryNames { get; init; }

    /// <summary>Throws a Usage error naming the CLI option when a value is impossible.</summary>
    public void Validate()
    {
        if (SampleMs < MinSampleMs || SampleMs > MaxSampleMs)
            throw new InferenceEconomicsException(ErrorKind.Usage,
                $"--sample-ms {SampleMs} is out of range ({MinSampleMs} to {MaxSampleMs}); 50 is the default, 10 for short phases");
        if (double.IsNaN(IdleBaselineSeconds) || IdleBaselineSeconds < 0 || IdleBaselineSeconds > 600)
            throw new InferenceEconomicsException(ErrorKind.Usage,
                $"--idle-seconds {IdleBaselineSeconds} is out of range (0 to 600); 0 turns the idle baseline off");
        if (RingCapacity < 16) throw new ArgumentOutOfRangeException(nameof(RingCapacity));
        if (MaxSeriesPoints < 2) throw new ArgumentOutOfRangeException(nameof(MaxSeriesPoints));
    }
}
