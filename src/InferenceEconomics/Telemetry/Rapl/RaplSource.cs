namespace InferenceEconomics.Telemetry.Rapl;

/// <summary>
/// CPU package energy from the Linux powercap class (intel-rapl, also used for AMD packages).
/// Only top-level package zones are read ("intel-rapl:N" named package-N); sub-zones (core,
/// uncore, dram) and psys would double-count. Each zone gives a counter channel and a power
/// channel derived from consecutive readings (an Interval channel, for charts and peaks).
/// </summary>
internal sealed class RaplSource : ITelemetrySource
{
    private readonly List<RaplZone> _zones = [];
    private readonly double[] _prevJ;
    private long _prevTimestamp;

    public string Name => "rapl";
    public bool IsAvailable => _zones.Count > 0;
    public string? UnavailableReason { get; }
    public string? Detail { get; }
    public IReadOnlyList<TelemetryChannel> Channels { get; }
    public IReadOnlyList<RaplZone> Zones => _zones;

    public RaplSource(string powercapRoot = "/sys/class/powercap")
    {
        var problems = new List<string>();
        if (!Directory.Exists(powercapRoot))
            UnavailableReason = $"{powercapRoot} does not exist (no powercap / RAPL in this kernel, VM or container)";
        else
        {
            var candidates = Directory.GetDirectories(powercapRoot)
                .Where(d => Path.GetFileName(d) is var n && n.Count(c => c == ':') == 1 && !n.Contains("mmio", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList();
            foreach (var dir in candidates)
            {
                var nameFile = Path.Combine(dir, "name");
                if (!File.Exists(nameFile)) continue;
                try
                {
                    if (!File.ReadAllText(nameFile).Trim().StartsWith("package", StringComparison.Ordinal)) continue;
                    _zones.Add(RaplZone.Open(dir));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    problems.Add(e.Message);
                }
            }
            if (_zones.Count == 0)
                UnavailableReason = problems.Count > 0
                    ? string.Join("; ", problems)
                    : $"no readable package zone with energy_uj under {powercapRoot}";
        }
        var channels = new List<TelemetryChannel>();
        foreach (var z in _zones)
        {
            var device = "cpu-" + z.ZoneName;
            channels.Add(new TelemetryChannel(device, Quantity.EnergyJoules));
            channels.Add(new TelemetryChannel(device, Quantity.PowerWatts) { Kind = ChannelKind.Interval });
        }
        Channels = channels;
        _prevJ = new double[_zones.Count];
        _prevTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_zones.Count > 0)
            Detail = string.Join(", ", _zones.Select(z => $"{z.ZoneName} ({Path.GetFileName(z.ZoneDir)})"))
                     + (problems.Count > 0 ? $"; skipped: {string.Join("; ", problems)}" : "");
    }

    public void Read(Span<double> values)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        double dt = (now - _prevTimestamp) / (double)System.Diagnostics.Stopwatch.Frequency;
        for (int i = 0; i < _zones.Count; i++)
        {
            try
            {
                double j = _zones[i].ReadTotalJoules();
                values[2 * i] = j;
                values[2 * i + 1] = dt > 0 ? (j - _prevJ[i]) / dt : double.NaN;
                _prevJ[i] = j;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                values[2 * i] = values[2 * i + 1] = double.NaN;
            }
        }
        _prevTimestamp = now;
    }

    public void Dispose() { }
}
