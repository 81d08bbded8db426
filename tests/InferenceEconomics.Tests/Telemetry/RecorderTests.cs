using System.Diagnostics;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>
/// A stand-in for a GPU power sensor (CI has no GPU), behind the same interface NVML implements:
/// constant power and an energy counter that grows with the Stopwatch, exactly watts x seconds.
/// </summary>
internal sealed class ConstantPowerSource(double watts) : ITelemetrySource
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    public int Reads;
    public string Name => "fake-gpu";
    public bool IsAvailable => true;
    public string? UnavailableReason => null;
    public string? Detail => $"constant {watts} W";
    public IReadOnlyList<TelemetryChannel> Channels { get; } = [new("gpu0", Quantity.EnergyJoules), new("gpu0", Quantity.PowerWatts)];
    public void Read(Span<double> values)
    {
        Interlocked.Increment(ref Reads);
        values[0] = watts * Stopwatch.GetElapsedTime(_origin).TotalSeconds;
        values[1] = watts;
    }
    public void Dispose() { }
}

public sealed class RecorderTests
{
    private static TelemetryOptions NoHardware(int sampleMs, double idle = 0) => new(sampleMs, true, idle)
    {
        PowercapRoot = "/no/such/powercap",
        NvmlLibraryNames = ["libnvidia-ml-absent-for-test.so.1"],
    };

    [Fact]
    public void Sampler_really_samples_at_roughly_its_period()
    {
        var clock = RunClock.StartNew();
        var options = NoHardware(20);
        // procfs where there is one (Linux), plus the stand-in so the sampler has a source on every OS.
        using var rec = TelemetryRecorder.Start(options, clock, [.. TelemetryRecorder.OpenSources(options), new ConstantPowerSource(10)]);
        Thread.Sleep(600);
        var info = rec.Finish()!;
        // 600 ms / 20 ms = 30 expected; loose bounds because the machine is shared.
        Assert.InRange(info.SamplesTaken, 5, 45);
        Assert.Equal(20, info.SampleMs);
        Assert.NotNull(info.MeanReadMicroseconds);
        Assert.Contains(info.Series, s => s.Channel == "gpu0.power" && s.Values.Count > 0 && s.Values.All(v => v == 10));
        if (OperatingSystem.IsLinux())
            Assert.Contains(info.Series, s => s.Channel == "host.rss" && s.Values.Count > 0 && s.Values.All(v => v > 0));
    }

    [LinuxFact("procfs")]
    public void On_a_machine_without_GPU_or_RAPL_scenarios_carry_procfs_and_say_not_measured()
    {
        var clock = RunClock.StartNew();
        using var rec = TelemetryRecorder.Start(NoHardware(10), clock);
        Assert.Equal(["procfs", "rapl", "nvml"], rec.Sources.Select(s => s.Name));
        Assert.True(rec.Sources[0].Available);
        Assert.False(rec.Sources[1].Available);
        Assert.False(rec.Sources[2].Available);

        // a "scenario" of CPU work on the run clock
        double p0 = clock.NowOffset; ProcfsTests.Burn(TimeSpan.FromMilliseconds(60));
        double d0 = clock.NowOffset; ProcfsTests.Burn(TimeSpan.FromMilliseconds(200));
        double d1 = clock.NowOffset;
        var scenario = new ScenarioResult
        {
            Id = "s", BatchSize = 1, PromptTokens = 4, GenTokens = 3, Status = ScenarioStatus.Ok,
            Repetitions = [new RepetitionSample { PrefillSeconds = d0 - p0, TtftSeconds = d0 - p0, StepSeconds = [(d1 - d0) / 2, (d1 - d0) / 2], PrefillStartOffset = p0, DecodeStartOffset = d0, DecodeEndOffset = d1 }],
        };
        var t = rec.Summarize(scenario)!;

        Assert.Empty(t.Phases);                                          // no energy source here
        var decode = t.Host.Single(h => h.Phase == Phase.Decode);
        Assert.True(decode.Samples >= 1, $"{decode.Samples} samples in a 200 ms window at 10 ms"); // ~20 expected; loose for a loaded machine
        Assert.InRange(decode.AverageProcessCpuPercent!.Value, 1e-9, 100); // this thread was burning CPU
        Assert.True(decode.PeakRssBytes > 0);
        Assert.True(t.ProcessPeakRssBytes >= decode.PeakRssBytes, $"VmHWM {t.ProcessPeakRssBytes} < RSS {decode.PeakRssBytes}");
        Assert.Equal(2, t.NotMeasured.Count);
        Assert.All(t.NotMeasured, n => Assert.Contains(": not measured (", n));
        Assert.Contains(t.NotMeasured, n => n.StartsWith("CPU package energy") && n.Contains("/no/such/powercap"));
        Assert.Contains(t.NotMeasured, n => n.StartsWith("GPU power") && n.Contains("libnvidia-ml-absent-for-test.so.1"));

        var json = ResultJson.Serialize(rec.Finish());
        Assert.Contains("\"available\": false", json);
        Assert.Contains("cannot open shared object file", json);
    }

    [Fact]
    public void Idle_baseline_and_net_energy_with_a_constant_power_source()
    {
        var clock = RunClock.StartNew();
        var fake = new ConstantPowerSource(50);
        using var rec = TelemetryRecorder.Start(new TelemetryOptions(10, true, 0.3), clock, [fake]);
        var idle = rec.MeasureIdleBaseline(CancellationToken.None)!;
        // The counter grows 50 J per second. Loose: a preempted sampler thread stamps a read a little off its true time.
        Near(50, idle.AveragePowerWatts["gpu0"]);
        Assert.True(idle.EndOffset - idle.StartOffset >= 0.3);
        Assert.True(idle.Samples >= 3);

        double a = clock.NowOffset; Thread.Sleep(100);
        double b = clock.NowOffset; Thread.Sleep(100);
        double c = clock.NowOffset;
        var s = new ScenarioResult
        {
            Id = "s", BatchSize = 2, PromptTokens = 5, GenTokens = 3, Status = ScenarioStatus.Ok,
            Repetitions = [new RepetitionSample { PrefillSeconds = b - a, TtftSeconds = b - a, StepSeconds = [(c - b) / 2, (c - b) / 2], PrefillStartOffset = a, DecodeStartOffset = b, DecodeEndOffset = c }],
        };
        var t = rec.Summarize(s)!;
        var decode = t.Phases.Single(p => p.Phase == Phase.Decode);
        Assert.Equal("counter", decode.Method);
        Near(50 * (c - b), decode.GrossJoules);                             // 50 W x window
        Assert.InRange(decode.NetJoules!.Value, -0.1 * decode.GrossJoules, 0.1 * decode.GrossJoules); // all of it is idle power
        Assert.Equal(decode.GrossJoules / (2 * 2), decode.JoulesPerToken!.Value, 12); // B x (G - 1) = 4 tokens
        Assert.Equal(50, decode.PeakWatts);
        var current = rec.Current()!;
        Assert.Same(idle, current.Idle);
        Assert.Empty(current.Series);
        var info = rec.Finish()!;
        Assert.Same(idle, info.Idle);
        Assert.True(info.SamplesTaken >= current.SamplesTaken);
        // Every idle sample is a read of the source (a count, not a rate: a starved sampler thread takes fewer).
        Assert.True(fake.Reads >= idle.Samples, $"{fake.Reads} reads for {idle.Samples} idle samples");
    }

    [Fact]
    public void Disabled_telemetry_takes_no_samples_and_returns_null()
    {
        using var rec = TelemetryRecorder.Start(new TelemetryOptions(Enabled: false), RunClock.StartNew());
        Assert.Null(rec.MeasureIdleBaseline(CancellationToken.None));
        Assert.Null(rec.Finish());
        Assert.Empty(rec.Sources);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(60_001)]
    public void Impossible_sample_period_is_a_usage_error(int ms)
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => TelemetryRecorder.Start(new TelemetryOptions(ms), RunClock.StartNew()));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains("--sample-ms", e.Message);
    }

    [Fact]
    public void Idle_baseline_honours_cancellation()
    {
        using var rec = TelemetryRecorder.Start(new TelemetryOptions(10, true, 30), RunClock.StartNew(), [new ConstantPowerSource(1)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => rec.MeasureIdleBaseline(cts.Token));
    }

    private static void Near(double expected, double actual) => Assert.InRange(actual, expected * 0.9, expected * 1.1);
}
