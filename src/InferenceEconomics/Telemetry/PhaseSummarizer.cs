using System.Globalization;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry.Nvml;
using InferenceEconomics.Telemetry.Sampling;

namespace InferenceEconomics.Telemetry;

/// <summary>One phase window on the run clock, in seconds.</summary>
internal readonly record struct PhaseWindow(double Start, double End)
{
    public double Seconds => End - Start;
}

/// <summary>
/// Turns samples into per-phase figures (docs/metrics.md "Energy"): each repetition's window is cut
/// from the samples, windows of the same phase are summed over all repetitions, and only then
/// divided (by seconds for watts, by tokens for J/token).
/// </summary>
internal static class PhaseSummarizer
{
    public static IReadOnlyList<PhaseWindow> PrefillWindows(ScenarioResult s) =>
        s.Repetitions.Select(r => new PhaseWindow(r.PrefillStartOffset, r.PrefillStartOffset + r.PrefillSeconds)).ToList();

    /// <summary>Decode = end of first-token selection to end of the last step; empty when G = 1.</summary>
    public static IReadOnlyList<PhaseWindow> DecodeWindows(ScenarioResult s) =>
        s.Repetitions.Where(r => r.DecodeEndOffset > r.DecodeStartOffset)
            .Select(r => new PhaseWindow(r.DecodeStartOffset, r.DecodeEndOffset)).ToList();

    public static ScenarioTelemetry Summarize(
        ScenarioResult scenario,
        IReadOnlyList<TelemetryChannel> channels,
        SampleTable table,
        IReadOnlyDictionary<string, double>? idleWatts,
        IReadOnlyList<TelemetrySourceStatus> sources)
    {
        var phases = new List<(Phase Name, IReadOnlyList<PhaseWindow> Windows, long TokensPerWindow)>
        {
            (Phase.Prefill, PrefillWindows(scenario), (long)scenario.BatchSize * scenario.PromptTokens),
            (Phase.Decode, DecodeWindows(scenario), (long)scenario.BatchSize * (scenario.GenTokens - 1)),
        };
        var energy = new List<PhaseTelemetry>();
        var host = new List<HostPhaseTelemetry>();
        var warnings = new List<string>();
        foreach (var device in EnergyDevices(channels))
            foreach (var (name, windows, tokens) in phases)
            {
                if (windows.Count == 0) continue;
                var idle = idleWatts is not null && idleWatts.TryGetValue(device, out var w) ? w : (double?)null;
                if (EnergyPhase(name, device, channels, table, windows, tokens, idle) is { } p)
                {
                    energy.Add(p);
                    if (p.WindowsNotCovered > 0)
                        warnings.Add($"{device} {Words.Of(name)}: {p.WindowsNotCovered} of {p.Windows} windows had no telemetry samples around them and are left out");
                    if (p.Samples < 2)
                        warnings.Add($"{device} {Words.Of(name)}: only {p.Samples} sample(s) inside the {Words.Of(name)} windows; the figure is interpolated between neighbouring samples (a lower --sample-ms or more repetitions help)");
                }
            }
        foreach (var (name, windows, _) in phases)
        {
            if (windows.Count == 0) continue;
            if (HostPhase(name, channels, table, windows) is { } h) host.Add(h);
            warnings.AddRange(ThrottleWarnings(name, channels, table, windows));
        }
        if (table.TruncatedAtStart)
            warnings.Add("the telemetry ring had already overwritten the start of this scenario (raise the ring capacity or --sample-ms)");

        var all = scenario.Repetitions.Count == 0 ? (Start: 0.0, End: 0.0)
            : (Start: scenario.Repetitions.Min(r => r.PrefillStartOffset), End: scenario.Repetitions.Max(r => r.DecodeEndOffset));
        return new ScenarioTelemetry
        {
            Phases = energy,
            Host = host,
            Warnings = warnings,
            NotMeasured = NotMeasured(sources),
            PeakHostRssBytes = PeakLong(channels, table, Quantity.RssBytes, all.Start, all.End, sum: false),
            PeakGpuMemoryBytes = PeakLong(channels, table, Quantity.MemoryUsedBytes, all.Start, all.End, sum: true),
            ProcessPeakRssBytes = Max(LastLong(channels, table, Quantity.PeakRssBytes), PeakLong(channels, table, Quantity.RssBytes, double.NegativeInfinity, double.PositiveInfinity, sum: false)),
        };
    }

    /// <summary>Devices with an energy counter or a power reading ("gpu0", "cpu-package-0"), in channel order.</summary>
    public static IReadOnlyList<string> EnergyDevices(IReadOnlyList<TelemetryChannel> channels) =>
        channels.Where(c => c.Quantity is Quantity.EnergyJoules or Quantity.PowerWatts).Select(c => c.Device).Distinct().ToList();

    /// <summary>
    /// Energy of one device over one phase's windows: counter delta where the device has a counter,
    /// else trapezoid of power. Null when the device has no usable samples at all.
    /// </summary>
    public static PhaseTelemetry? EnergyPhase(Phase phase, string device, IReadOnlyList<TelemetryChannel> channels,
        SampleTable table, IReadOnlyList<PhaseWindow> windows, long tokensPerWindow, double? idleWatts)
    {
        int counter = Index(channels, device, Quantity.EnergyJoules);
        int power = Index(channels, device, Quantity.PowerWatts);
        var (ct, cv) = counter >= 0 ? table.Series(counter) : ([], []);
        var (pt, pv) = power >= 0 ? table.Series(power) : ([], []);
        bool useCounter = ct.Length >= 2;
        if (!useCounter && (power < 0 || pt.Length < 2 || channels[power].Kind != ChannelKind.Gauge)) return null;
        var (et, ev) = useCounter ? (ct, cv) : (pt, pv);

        double joules = 0, seconds = 0;
        int covered = 0, inside = 0;
        var covWindows = new List<PhaseWindow>();
        foreach (var w in windows)
        {
            double? e = useCounter ? WindowMath.CounterDelta(et, ev, w.Start, w.End) : WindowMath.Integrate(et, ev, w.Start, w.End);
            if (e is null) continue;
            joules += e.Value;
            seconds += w.Seconds;
            covered++;
            inside += WindowMath.CountInside(et, w.Start, w.End);
            covWindows.Add(w);
        }
        if (covered == 0)
            return new PhaseTelemetry { Phase = phase, Source = device, Method = useCounter ? "counter" : "integrated", Seconds = 0, GrossJoules = 0, Samples = 0, Windows = windows.Count, WindowsNotCovered = windows.Count };

        long tokens = tokensPerWindow * covered;
        double? net = idleWatts is { } iw ? joules - iw * seconds : null;
        double? peak = power >= 0 ? Peak(channels[power].Kind, pt, pv, covWindows) : null;
        return new PhaseTelemetry
        {
            Phase = phase,
            Source = device,
            Method = useCounter ? "counter" : "integrated",
            Seconds = seconds,
            GrossJoules = joules,
            NetJoules = net,
            JoulesPerToken = tokens > 0 ? joules / tokens : null,
            NetJoulesPerToken = tokens > 0 && net is { } n ? n / tokens : null,
            AverageWatts = seconds > 0 ? joules / seconds : null,
            PeakWatts = peak,
            AverageUtilization = GaugeAverage(channels, table, device, Quantity.UtilizationPercent, covWindows),
            AverageMemoryUtilization = GaugeAverage(channels, table, device, Quantity.MemoryUtilizationPercent, covWindows),
            AverageSmClockMhz = GaugeAverage(channels, table, device, Quantity.SmClockMhz, covWindows),
            AverageMemClockMhz = GaugeAverage(channels, table, device, Quantity.MemClockMhz, covWindows),
            PeakTemperatureC = Index(channels, device, Quantity.TemperatureC) is var ti and >= 0
                ? Peak(ChannelKind.Gauge, table.Series(ti).T, table.Series(ti).V, covWindows) : null,
            Samples = inside,
            Windows = windows.Count,
            WindowsNotCovered = windows.Count - covered,
            Tokens = tokens,
        };
    }

    /// <summary>Host CPU and RSS over one phase's windows (procfs channels), null without them.</summary>
    public static HostPhaseTelemetry? HostPhase(Phase phase, IReadOnlyList<TelemetryChannel> channels, SampleTable table, IReadOnlyList<PhaseWindow> windows)
    {
        int sys = Index(channels, Procfs.ProcfsSource.Device, Quantity.SystemCpuPercent);
        int proc = Index(channels, Procfs.ProcfsSource.Device, Quantity.ProcessCpuPercent);
        int rss = Index(channels, Procfs.ProcfsSource.Device, Quantity.RssBytes);
        if (sys < 0 && proc < 0 && rss < 0) return null;
        double? Avg(int ch)
        {
            if (ch < 0) return null;
            var (t, v) = table.Series(ch);
            double sum = 0, weight = 0;
            foreach (var w in windows)
            {
                var (s, wt) = WindowMath.IntervalOverlap(t, v, w.Start, w.End);
                sum += s;
                weight += wt;
            }
            return weight > 0 ? sum / weight : null;
        }
        int samples = 0;
        foreach (var w in windows) samples += WindowMath.CountInside(table.Times, w.Start, w.End);
        long? peakRss = null;
        if (rss >= 0)
        {
            var (t, v) = table.Series(rss);
            double? peak = null;
            foreach (var w in windows)
                if (WindowMath.PeakAround(t, v, w.Start, w.End) is { } p) peak = Math.Max(peak ?? double.MinValue, p);
            peakRss = peak is { } pk ? (long)pk : null;
        }
        return new HostPhaseTelemetry
        {
            Phase = phase,
            Seconds = windows.Sum(w => w.Seconds),
            AverageSystemCpuPercent = Avg(sys),
            AverageProcessCpuPercent = Avg(proc),
            PeakRssBytes = peakRss,
            Samples = samples,
        };
    }

    /// <summary>
    /// A warning per GPU and phase when a throttling reason (power cap, thermal...) was set in a
    /// sample inside a window, or in the first sample after a window (it describes the window's end).
    /// </summary>
    public static IEnumerable<string> ThrottleWarnings(Phase phase, IReadOnlyList<TelemetryChannel> channels, SampleTable table, IReadOnlyList<PhaseWindow> windows)
    {
        foreach (var ch in channels.Select((c, i) => (c, i)).Where(x => x.c.Quantity == Quantity.ThrottleReasons))
        {
            var (t, v) = table.Series(ch.i);
            ulong seen = 0;
            int looked = 0, throttled = 0;
            var counted = new HashSet<int>();
            foreach (var w in windows)
            {
                int i = WindowMath.UpperIndex(t, w.Start);
                for (; i < t.Length && t[i] <= w.End; i++) counted.Add(i);
                if (i < t.Length) counted.Add(i);
            }
            foreach (var i in counted)
            {
                looked++;
                var bits = (ulong)v[i];
                if (ThrottleReasons.Describe(bits).Count == 0) continue;
                throttled++;
                seen |= bits;
            }
            if (throttled > 0)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{ch.c.Device} throttled ({string.Join(", ", ThrottleReasons.Describe(seen))}) during {Words.Of(phase)}: {throttled} of {looked} samples");
        }
    }

    /// <summary>One line per missing power/energy source, from the sources' own reasons.</summary>
    public static IReadOnlyList<string> NotMeasured(IReadOnlyList<TelemetrySourceStatus> sources)
    {
        var list = new List<string>();
        foreach (var s in sources.Where(s => !s.Available))
        {
            var what = s.Name switch
            {
                "nvml" => "GPU power, energy and utilization",
                "rapl" => "CPU package energy",
                "procfs" => "host CPU utilization and memory",
                _ => s.Name,
            };
            list.Add($"{what}: not measured ({s.Name}: {s.Reason})");
        }
        return list;
    }

    private static double? GaugeAverage(IReadOnlyList<TelemetryChannel> channels, SampleTable table, string device, Quantity q, IReadOnlyList<PhaseWindow> windows)
    {
        int ch = Index(channels, device, q);
        if (ch < 0) return null;
        var (t, v) = table.Series(ch);
        double integral = 0, seconds = 0;
        foreach (var w in windows)
        {
            if (w.Seconds <= 0) continue;
            if (WindowMath.Integrate(t, v, w.Start, w.End) is not { } i) continue;
            integral += i;
            seconds += w.Seconds;
        }
        return seconds > 0 ? integral / seconds : null;
    }

    private static double? Peak(ChannelKind kind, double[] t, double[] v, IReadOnlyList<PhaseWindow> windows)
    {
        double? peak = null;
        foreach (var w in windows)
        {
            var p = kind == ChannelKind.Interval ? WindowMath.PeakInterval(t, v, w.Start, w.End) : WindowMath.PeakGauge(t, v, w.Start, w.End);
            if (p is { } x) peak = Math.Max(peak ?? double.MinValue, x);
        }
        return peak;
    }

    /// <summary>Highest reading in [start, end] of one quantity; sum: add the devices' readings sample by sample (GPU memory across GPUs).</summary>
    private static long? PeakLong(IReadOnlyList<TelemetryChannel> channels, SampleTable table, Quantity q, double start, double end, bool sum)
    {
        var idx = channels.Select((c, i) => (c, i)).Where(x => x.c.Quantity == q).Select(x => x.i).ToList();
        if (idx.Count == 0) return null;
        double? peak = null;
        for (int k = 0; k < table.Times.Length; k++)
        {
            if (table.Times[k] < start || table.Times[k] > end) continue;
            double total = 0;
            bool any = false;
            foreach (var i in idx)
            {
                var x = table.Columns[i][k];
                if (double.IsNaN(x)) continue;
                total = sum ? total + x : Math.Max(any ? total : double.MinValue, x);
                any = true;
            }
            if (any) peak = Math.Max(peak ?? double.MinValue, total);
        }
        return peak is { } p ? (long)p : null;
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    /// <summary>
    /// VmHWM never decreases, so the newest reading in the slice (the first sample after the
    /// scenario's end) holds the process peak up to and including the scenario.
    /// </summary>
    private static long? LastLong(IReadOnlyList<TelemetryChannel> channels, SampleTable table, Quantity q)
    {
        int ch = channels.ToList().FindIndex(c => c.Quantity == q);
        if (ch < 0) return null;
        var (_, v) = table.Series(ch);
        return v.Length == 0 ? null : (long)v[^1];
    }

    private static int Index(IReadOnlyList<TelemetryChannel> channels, string device, Quantity q)
    {
        for (int i = 0; i < channels.Count; i++)
            if (channels[i].Device == device && channels[i].Quantity == q) return i;
        return -1;
    }
}
