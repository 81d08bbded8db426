using System.Globalization;

namespace InferenceEconomics.Telemetry.Procfs;

/// <summary>Aggregate CPU time of the machine from the first line of /proc/stat, in USER_HZ ticks.</summary>
internal readonly record struct CpuTimes(ulong Busy, ulong Total);

/// <summary>Parsers for the three procfs files the sampler reads. Pure functions: tests feed them real /proc text.</summary>
internal static class ProcfsParser
{
    /// <summary>
    /// "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (proc(5)).
    /// Total = user..steal (guest time is already inside user/nice); busy = total - idle - iowait.
    /// </summary>
    public static CpuTimes ParseStat(ReadOnlySpan<char> text)
    {
        var line = FirstLine(text);
        if (!line.StartsWith("cpu ")) throw new FormatException("/proc/stat does not start with the aggregate 'cpu' line");
        Span<ulong> f = stackalloc ulong[8];
        int n = 0;
        foreach (var range in line[4..].Split(' '))
        {
            var part = line[4..][range];
            if (part.IsEmpty) continue;
            if (n < f.Length) f[n++] = ulong.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (n < 4) throw new FormatException("/proc/stat 'cpu' line has fewer than 4 fields");
        ulong total = 0;
        for (int i = 0; i < n; i++) total += f[i];
        ulong idle = f[3] + (n > 4 ? f[4] : 0);
        return new CpuTimes(total - idle, total);
    }

    /// <summary>
    /// utime + stime (fields 14 and 15) of /proc/[pid]/stat in ticks. The command name (field 2)
    /// may hold spaces and parentheses, so fields are counted after the last ')'.
    /// </summary>
    public static ulong ParseProcessStat(ReadOnlySpan<char> text)
    {
        int close = text.LastIndexOf(')');
        if (close < 0) throw new FormatException("/proc/self/stat has no ')' after the command name");
        var rest = text[(close + 1)..].Trim();
        ulong utime = 0, stime = 0;
        int field = 3; // the first field after ')' is field 3 (state)
        foreach (var range in rest.Split(' '))
        {
            var part = rest[range];
            if (part.IsEmpty) continue;
            if (field == 14) utime = ulong.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            else if (field == 15) { stime = ulong.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture); return utime + stime; }
            field++;
        }
        throw new FormatException("/proc/self/stat has fewer than 15 fields");
    }

    /// <summary>VmRSS and VmHWM (peak RSS) of /proc/[pid]/status, in bytes (the file says kB = 1024 bytes).</summary>
    public static (long? Rss, long? PeakRss) ParseStatus(ReadOnlySpan<char> text)
    {
        long? rss = null, peak = null;
        foreach (var range in text.Split('\n'))
        {
            var line = text[range];
            if (line.StartsWith("VmRSS:")) rss = Kb(line[6..]);
            else if (line.StartsWith("VmHWM:")) peak = Kb(line[6..]);
            if (rss is not null && peak is not null) break;
        }
        return (rss, peak);
    }

    /// <summary>MemTotal of /proc/meminfo in bytes.</summary>
    public static long? ParseMemTotal(ReadOnlySpan<char> text) => ParseMeminfoField(text, "MemTotal");

    /// <summary>One "Name:   123 kB" field of /proc/meminfo in bytes (MemTotal, MemAvailable, ...).</summary>
    public static long? ParseMeminfoField(ReadOnlySpan<char> text, string name)
    {
        foreach (var range in text.Split('\n'))
        {
            var line = text[range];
            if (line.StartsWith(name) && line.Length > name.Length && line[name.Length] == ':') return Kb(line[(name.Length + 1)..]);
        }
        return null;
    }

    private static long Kb(ReadOnlySpan<char> value)
    {
        var v = value.Trim();
        if (v.EndsWith("kB")) v = v[..^2].TrimEnd();
        return long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
    }

    private static ReadOnlySpan<char> FirstLine(ReadOnlySpan<char> text)
    {
        int nl = text.IndexOf('\n');
        return nl < 0 ? text : text[..nl];
    }
}
