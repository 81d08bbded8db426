using System.Diagnostics;
using System.Text.RegularExpressions;
using InferenceEconomics.Telemetry;
using InferenceEconomics.Telemetry.Procfs;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>procfs parsing on the real /proc of the machine running the tests, checked against independent readings.</summary>
public sealed class ProcfsTests
{
    [LinuxFact("/proc/stat")]
    public void Stat_totals_match_an_independent_sum_of_the_cpu_line()
    {
        var text = File.ReadAllText("/proc/stat");
        var parsed = ProcfsParser.ParseStat(text);

        var fields = text.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(ulong.Parse).ToArray();
        ulong total = fields.Take(8).Aggregate(0UL, (a, b) => a + b);   // user..steal (guest is inside user)
        ulong idle = fields[3] + fields[4];
        Assert.Equal(total, parsed.Total);
        Assert.Equal(total - idle, parsed.Busy);
        Assert.True(parsed.Busy > 0);
    }

    [LinuxFact("/proc/self/stat")]
    public void Process_stat_matches_the_runtime_processor_time()
    {
        Burn(TimeSpan.FromMilliseconds(300));
        var me = Process.GetCurrentProcess();
        var ticks = ProcfsParser.ParseProcessStat(File.ReadAllText("/proc/self/stat"));
        me.Refresh();
        // USER_HZ is 100 on Linux: ticks / 100 s. The runtime reads the same counters through its own code.
        Assert.InRange(ticks / 100.0, me.TotalProcessorTime.TotalSeconds - 0.2, me.TotalProcessorTime.TotalSeconds + 0.05);
        Assert.True(ticks >= 20, $"burned 300 ms of CPU but utime+stime = {ticks} ticks");
    }

    [Fact]
    public void Process_stat_counts_fields_after_a_command_name_with_spaces_and_parentheses()
    {
        // fields 14 and 15 are utime = 7, stime = 5
        const string line = "1234 (a b) c)) R 1 2 3 4 5 6 7 8 9 10 7 5 0 0 20 0 1 0";
        Assert.Equal(12UL, ProcfsParser.ParseProcessStat(line));
    }

    [LinuxFact("/proc/self/status")]
    public void Status_rss_matches_the_runtime_working_set()
    {
        var text = File.ReadAllText("/proc/self/status");
        var (rss, peak) = ProcfsParser.ParseStatus(text);
        long ws = Environment.WorkingSet;
        long rssKb = long.Parse(Regex.Match(text, @"VmRSS:\s+(\d+) kB").Groups[1].Value);
        Assert.Equal(rssKb * 1024, rss);
        Assert.NotNull(peak);
        Assert.True(peak >= rss - 64 * 1024, $"VmHWM {peak} far below VmRSS {rss}"); // the kernel may lag by a page
        Assert.InRange(rss!.Value, ws * 0.8, ws * 1.25);
    }

    [Fact]
    public void MemTotal_is_read_in_bytes()
    {
        Assert.Equal(16_384_000L * 1024, ProcfsParser.ParseMemTotal("MemFree:  1 kB\nMemTotal:       16384000 kB\n"));
    }

    [LinuxFact("procfs")]
    public void Source_reports_process_cpu_after_work_and_sane_ranges()
    {
        using var src = new ProcfsSource();
        Assert.True(src.IsAvailable, src.UnavailableReason);
        Assert.Equal([Quantity.SystemCpuPercent, Quantity.ProcessCpuPercent, Quantity.RssBytes, Quantity.PeakRssBytes], src.Channels.Select(c => c.Quantity));
        Burn(TimeSpan.FromMilliseconds(200));
        var v = new double[4];
        src.Read(v);
        Assert.InRange(v[0], 0, 100);
        Assert.InRange(v[1], 0.0001, 100);       // this thread just burned CPU: the process share cannot be 0
        // The process's time is exact (scheduler runtime), the machine's is counted in ticks: over
        // 200 ms they may disagree by a few ticks, but the process cannot use much more than the machine.
        Assert.True(v[1] <= v[0] + 15, $"process {v[1]} % far above the whole machine {v[0]} %");
        Assert.True(v[2] > 1_000_000 && v[3] >= v[2]);
    }

    [Fact]
    public void Missing_proc_root_is_not_measured_with_reason()
    {
        using var src = new ProcfsSource("/no/such/proc");
        Assert.False(src.IsAvailable);
        Assert.NotNull(src.UnavailableReason);
        Assert.Empty(src.Channels);
    }

    internal static void Burn(TimeSpan span)
    {
        var sw = Stopwatch.StartNew();
        double x = 1;
        while (sw.Elapsed < span) x = Math.Sqrt(x + 1);
        GC.KeepAlive(x);
    }
}
