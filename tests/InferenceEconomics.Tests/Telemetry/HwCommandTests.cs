using InferenceEconomics.Telemetry;
using System.Text.Json;
using InferenceEconomics.Cli;
using InferenceEconomics.Tests.TestSupport;
using InferenceEconomics.Common;
using InferenceEconomics.Measurement;

namespace InferenceEconomics.Tests.Telemetry;

public sealed class HwCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(Path.GetTempPath()), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    [Fact]
    public void Hw_lists_every_source_and_says_not_measured_with_a_reason()
    {
        var (code, output, err) = Run("hw");
        Assert.True(code == 0, err);
        Assert.Contains($"{Environment.ProcessorCount} logical cores", output);
        foreach (var name in new[] { "procfs", "rapl", "nvml" })
            Assert.Matches($@"\n  {name}: (measured — \S|not measured — \S)", output);
        if (!Directory.Exists("/sys/class/powercap")) Assert.Contains("rapl: not measured — /sys/class/powercap does not exist", output);
        if (OperatingSystem.IsLinux()) Assert.Contains("host.rss ", output);
    }

    [Fact]
    public void Hw_json_is_one_parseable_document()
    {
        var (code, output, _) = Run("hw", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var sources = doc.RootElement.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(3, sources.Count);
        foreach (var s in sources)
            if (!s.GetProperty("available").GetBoolean()) Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("reason").GetString()));
        Assert.Equal(Environment.ProcessorCount, doc.RootElement.GetProperty("environment").GetProperty("logical_cores").GetInt32());
    }

    [Fact]
    public void Hw_rejects_unknown_options()
    {
        var (code, _, err) = Run("hw", "--jsn=1");
        Assert.Equal((int)ErrorKind.Usage, code);
        Assert.Contains("unknown option --jsn (did you mean --json?)", err);
    }

    [LinuxFact("/proc/cpuinfo, /proc/meminfo")]
    public void Environment_probe_reads_cpu_and_memory_from_proc()
    {
        var env = EnvironmentProbe.Probe(gpus: []);
        var model = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name")).Split(':', 2)[1].Trim();
        var memKb = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal(model, env.CpuModel);
        Assert.Equal(memKb * 1024, env.MemoryBytes);
        Assert.Equal(Environment.ProcessorCount, env.LogicalCores);
        Assert.Equal(Environment.MachineName, env.Host);
        Assert.StartsWith(Environment.Version.Major + ".", env.DotnetVersion);
    }
}

public sealed class TelemetryCliOptionsTests
{
    private static RunSettings Bind(params string[] args) => ((InferenceEconomics.Cli.Commands.RunCommandSettings)InferenceEconomics.Cli.CliMain.Bind(args)).Run;

    [Fact]
    public void Defaults_and_overrides()
    {
        var d = Bind();
        Assert.Equal((50, 3.0, true), (d.TelemetrySampleMs, d.IdleBaselineSeconds, d.Telemetry));
        var o = Bind("--sample-ms", "10", "--no-idle", "--no-telemetry");
        Assert.Equal((10, 0.0, false), (o.TelemetrySampleMs, o.IdleBaselineSeconds, o.Telemetry));
        Assert.Equal(1.5, Bind("--idle-seconds=1.5").IdleBaselineSeconds);
    }

    [Fact]
    public void Sample_period_below_5_ms_is_a_usage_error_naming_the_option()
    {
        var o = CliRunner.Run("--sample-ms", "2");
        Assert.Equal((int)ErrorKind.Usage, o.ExitCode);
        Assert.StartsWith("error: --sample-ms 2: must be from 5 to 60000", o.Err);
    }
}
