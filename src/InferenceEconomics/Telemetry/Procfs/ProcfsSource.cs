using System.Text;
using Microsoft.Win32.SafeHandles;

namespace InferenceEconomics.Telemetry.Procfs;

/// <summary>
/// Host CPU and memory from procfs: machine and process CPU percent (tick deltas between two
/// samples, so an Interval channel), RSS and peak RSS. Files are opened once and re-read with
/// pread at offset 0 into a reused buffer, so a sample costs three small syscalls.
/// </summary>
internal sealed class ProcfsSource : ITelemetrySource
{
    public const string Device = "host";
    private readonly SafeFileHandle? _stat, _selfStat, _selfStatus;
    private readonly byte[] _bytes = new byte[16 * 1024];
    private readonly char[] _chars = new char[16 * 1024];
    private CpuTimes _prevCpu;
    private ulong _prevProc;
    private bool _hasPrev;

    public string Name => "procfs";
    public bool IsAvailable => UnavailableReason is null;
    public string? UnavailableReason { get; }
    public string? Detail => IsAvailable ? "system and process CPU utilization, process RSS and peak RSS" : null;
    public IReadOnlyList<TelemetryChannel> Channels { get; } = [];

    public ProcfsSource(string procRoot = "/proc")
    {
        try
        {
            _stat = File.OpenHandle(Path.Combine(procRoot, "stat"));
            _selfStat = File.OpenHandle(Path.Combine(procRoot, "self", "stat"));
            _selfStatus = File.OpenHandle(Path.Combine(procRoot, "self", "status"));
            // One read now proves the files parse and primes the tick counters.
            _prevCpu = ProcfsParser.ParseStat(ReadText(_stat));
            _prevProc = ProcfsParser.ParseProcessStat(ReadText(_selfStat));
            ProcfsParser.ParseStatus(ReadText(_selfStatus));
            _hasPrev = true;
            Channels =
            [
                new TelemetryChannel(Device, Quantity.SystemCpuPercent) { Kind = ChannelKind.Interval },
                new TelemetryChannel(Device, Quantity.ProcessCpuPercent) { Kind = ChannelKind.Interval },
                new TelemetryChannel(Device, Quantity.RssBytes),
                new TelemetryChannel(Device, Quantity.PeakRssBytes),
            ];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or PlatformNotSupportedException)
        {
            UnavailableReason = OperatingSystem.IsLinux()
                ? $"{procRoot} not readable: {e.Message}"
                : "procfs exists only on Linux";
            Dispose();
        }
    }

    public void Read(Span<double> values)
    {
        values[0] = values[1] = values[2] = values[3] = double.NaN;
        try
        {
            var cpu = ProcfsParser.ParseStat(ReadText(_stat!));
            var proc = ProcfsParser.ParseProcessStat(ReadText(_selfStat!));
            if (_hasPrev && cpu.Total > _prevCpu.Total)
            {
                double dTotal = cpu.Total - _prevCpu.Total;
                values[0] = 100.0 * (cpu.Busy - _prevCpu.Busy) / dTotal;
                // Both files count USER_HZ ticks; the aggregate total spans all cores, so this is percent of the machine.
                values[1] = Math.Min(100.0, 100.0 * (proc - _prevProc) / dTotal);
            }
            _prevCpu = cpu;
            _prevProc = proc;
            _hasPrev = true;
            var (rss, peak) = ProcfsParser.ParseStatus(ReadText(_selfStatus!));
            if (rss is { } r) values[2] = r;
            // The kernel sums per-CPU RSS counters approximately: VmHWM can trail VmRSS by a page
            // in the same read. A peak is never below the current value.
            if (peak is { } p) values[3] = rss is { } r2 ? Math.Max(p, r2) : p;
        }
        catch (Exception e) when (e is IOException or FormatException) { /* NaN this sample */ }
    }

    private ReadOnlySpan<char> ReadText(SafeFileHandle h)
    {
        int n = RandomAccess.Read(h, _bytes, 0);
        int c = Encoding.ASCII.GetChars(_bytes, 0, n, _chars, 0);
        return _chars.AsSpan(0, c);
    }

    public void Dispose()
    {
        _stat?.Dispose();
        _selfStat?.Dispose();
        _selfStatus?.Dispose();
    }
}
