using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;
using InferenceEconomics.Telemetry.Sampling;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>
/// Per-phase figures on a sample series at 1 s spacing, t = 0..10, with answers worked out by hand.
/// Scenario: B = 2, P = 8, G = 5, two repetitions:
///   rep 1: prefill [1.5, 2.0], decode [2.0, 4.0]
///   rep 2: prefill [5.25, 5.75], decode [5.75, 8.75]
/// Tokens: prefill 2 reps x 2 x 8 = 32; decode 2 reps x 2 x (5 - 1) = 16. Prefill 1.0 s, decode 5.0 s.
/// </summary>
public sealed class PhaseSummarizerTests
{
    private static readonly double[] Times = Enumerable.Range(0, 11).Select(i => (double)i).ToArray();

    // Energy counter rising 100 J and 200 J in alternate seconds: 0,100,300,400,600,700,900,1000,1200,1300,1500.
    private static readonly double[] Counter = [0, 100, 300, 400, 600, 700, 900, 1000, 1200, 1300, 1500];
    // Power gauge: 100 W at even seconds, 200 W at odd ones.
    private static readonly double[] Power = Times.Select(t => t % 2 == 0 ? 100.0 : 200.0).ToArray();

    private static ScenarioResult Scenario(int gen = 5) => new()
    {
        Id = "b2-p8-g5", BatchSize = 2, PromptTokens = 8, GenTokens = gen, Status = ScenarioStatus.Ok,
        Repetitions =
        [
            Rep(1.5, 0.5, 4.0),
            Rep(5.25, 0.5, 8.75),
        ],
    };

    private static RepetitionSample Rep(double prefillStart, double prefill, double decodeEnd) => new()
    {
        PrefillSeconds = prefill, TtftSeconds = prefill, StepSeconds = [decodeEnd - prefillStart - prefill],
        PrefillStartOffset = prefillStart, DecodeStartOffset = prefillStart + prefill, DecodeEndOffset = decodeEnd,
    };

    private static (List<TelemetryChannel>, SampleTable) Table(bool withCounter, double throttleAt7 = 0)
    {
        var channels = new List<TelemetryChannel>();
        var cols = new List<double[]>();
        if (withCounter) { channels.Add(new("gpu0", Quantity.EnergyJoules)); cols.Add(Counter); }
        channels.Add(new("gpu0", Quantity.PowerWatts)); cols.Add(Power);
        channels.Add(new("gpu0", Quantity.UtilizationPercent)); cols.Add(Times.Select(_ => 50.0).ToArray());
        channels.Add(new("gpu0", Quantity.ThrottleReasons)); cols.Add(Times.Select(t => t == 7 ? throttleAt7 : 0).ToArray());
        // Interval channel: value 10 x i covers (i-1, i].
        channels.Add(new("host", Quantity.SystemCpuPercent) { Kind = ChannelKind.Interval }); cols.Add(Times.Select(t => 10 * t).ToArray());
        return (channels, new SampleTable(Times, cols.ToArray(), false));
    }

    [Fact]
    public void Counter_energy_per_phase_sums_windows_before_dividing()
    {
        var (ch, table) = Table(withCounter: true);
        var idle = new Dictionary<string, double> { ["gpu0"] = 40 };
        var t = PhaseSummarizer.Summarize(Scenario(), ch, table, idle, []);

        var prefill = t.Phases.Single(p => p.Phase == Phase.Prefill);
        // rep 1: E(1.5) = 200, E(2) = 300 -> 100; rep 2: E(5.25) = 750, E(5.75) = 850 -> 100. Total 200 J in 1 s.
        Assert.Equal("counter", prefill.Method);
        Assert.Equal(200, prefill.GrossJoules, 9);
        Assert.Equal(1.0, prefill.Seconds, 9);
        Assert.Equal(200, prefill.AverageWatts!.Value, 9);
        Assert.Equal(6.25, prefill.JoulesPerToken!.Value, 9);       // 200 / 32
        Assert.Equal(160, prefill.NetJoules!.Value, 9);             // 200 - 40 W x 1 s
        Assert.Equal(5.0, prefill.NetJoulesPerToken!.Value, 9);     // 160 / 32
        Assert.Equal(32, prefill.Tokens);
        Assert.Equal(1, prefill.Samples);                          // only t = 2 lies inside a prefill window

        var decode = t.Phases.Single(p => p.Phase == Phase.Decode);
        // rep 1: E(4) - E(2) = 600 - 300 = 300; rep 2: E(8.75) = 1275, E(5.75) = 850 -> 425. Total 725 J in 5 s.
        Assert.Equal(725, decode.GrossJoules, 9);
        Assert.Equal(145, decode.AverageWatts!.Value, 9);
        Assert.Equal(45.3125, decode.JoulesPerToken!.Value, 9);      // 725 / 16
        Assert.Equal(525, decode.NetJoules!.Value, 9);              // 725 - 40 x 5
        Assert.Equal(32.8125, decode.NetJoulesPerToken!.Value, 9);   // 525 / 16
        Assert.Equal(6, decode.Samples);                           // 2,3,4 and 6,7,8
        Assert.Equal(200, decode.PeakWatts);
        Assert.Equal(50, decode.AverageUtilization!.Value, 9);

        Assert.Contains(t.Warnings, w => w.Contains("gpu0 prefill: only 1 sample"));
    }

    [Fact]
    public void Without_a_counter_energy_is_integrated_power()
    {
        var (ch, table) = Table(withCounter: false);
        var t = PhaseSummarizer.Summarize(Scenario(), ch, table, null, []);
        var decode = t.Phases.Single(p => p.Phase == Phase.Decode);
        // [2,4]: P = 100, 200, 100 -> 150 + 150 = 300 J.
        // [5.75, 8.75]: P(5.75) = 125, P(6) = 100, P(7) = 200, P(8) = 100, P(8.75) = 175:
        //   (125+100)/2 x 0.25 + 150 + 150 + (100+175)/2 x 0.75 = 28.125 + 300 + 103.125 = 431.25 J.
        Assert.Equal("integrated", decode.Method);
        Assert.Equal(731.25, decode.GrossJoules, 9);
        Assert.Equal(731.25 / 16, decode.JoulesPerToken!.Value, 9);
        Assert.Null(decode.NetJoules);                              // no idle baseline given
        var prefill = t.Phases.Single(p => p.Phase == Phase.Prefill);
        // [1.5, 2]: P(1.5) = 150 -> (150+100)/2 x 0.5 = 62.5; [5.25, 5.75]: P = 175 .. 125 -> 150 x 0.5 = 75. Total 137.5 J.
        Assert.Equal(137.5, prefill.GrossJoules, 9);
    }

    [Fact]
    public void Host_cpu_is_overlap_weighted_per_phase()
    {
        var (ch, table) = Table(withCounter: true);
        var t = PhaseSummarizer.Summarize(Scenario(), ch, table, null, []);
        // prefill: (1,2] = 20 for 0.5 s, (5,6] = 60 for 0.5 s -> 40 %
        Assert.Equal(40, t.Host.Single(h => h.Phase == Phase.Prefill).AverageSystemCpuPercent!.Value, 9);
        // decode: 30 + 40 + 60 x 0.25 + 70 + 80 + 90 x 0.75 = 302.5 over 5 s -> 60.5 %
        Assert.Equal(60.5, t.Host.Single(h => h.Phase == Phase.Decode).AverageSystemCpuPercent!.Value, 9);
    }

    [Fact]
    public void Power_cap_throttling_inside_decode_is_a_warning_naming_the_reason()
    {
        var (ch, table) = Table(withCounter: true, throttleAt7: 0x4 | 0x1); // SW power cap + GPU idle bit
        var t = PhaseSummarizer.Summarize(Scenario(), ch, table, null, []);
        // decode samples looked at: 2,3,4 (+5 after the window) and 6,7,8 (+9) = 8; only t = 7 throttled.
        Assert.Contains("gpu0 throttled (power cap) during decode: 1 of 8 samples", t.Warnings);
        Assert.DoesNotContain(t.Warnings, w => w.Contains("during prefill"));
    }

    [Fact]
    public void Idle_bit_alone_is_not_throttling()
    {
        var (ch, table) = Table(withCounter: true, throttleAt7: 0x1);
        var t = PhaseSummarizer.Summarize(Scenario(), ch, table, null, []);
        Assert.DoesNotContain(t.Warnings, w => w.Contains("throttled"));
    }

    [Fact]
    public void One_generated_token_has_no_decode_phase()
    {
        var (ch, table) = Table(withCounter: true);
        var s = Scenario(gen: 1) with
        {
            Repetitions = [Rep(1.5, 0.5, 2.0)],   // decode end = decode start
        };
        var t = PhaseSummarizer.Summarize(s, ch, table, null, []);
        Assert.DoesNotContain(t.Phases, p => p.Phase == Phase.Decode);
        Assert.Equal(16, t.Phases.Single(p => p.Phase == Phase.Prefill).Tokens);
    }

    [Fact]
    public void Uncovered_windows_are_left_out_and_counted()
    {
        var (ch, table) = Table(withCounter: true);
        var s = Scenario() with { Repetitions = [Rep(1.5, 0.5, 4.0), Rep(9.5, 0.25, 12.0)] }; // decode ends after the last sample
        var t = PhaseSummarizer.Summarize(s, ch, table, null, []);
        var decode = t.Phases.Single(p => p.Phase == Phase.Decode);
        Assert.Equal(2, decode.Windows);
        Assert.Equal(1, decode.WindowsNotCovered);
        Assert.Equal(300, decode.GrossJoules, 9);
        Assert.Equal(8, decode.Tokens);                          // one covered window x 2 x 4
        Assert.Contains(t.Warnings, w => w.Contains("1 of 2 windows"));
    }

    [Fact]
    public void Missing_sources_are_listed_as_not_measured_with_their_reason()
    {
        var (ch, table) = Table(withCounter: true);
        var sources = new[]
        {
            new TelemetrySourceStatus("procfs", true, null, "x"),
            new TelemetrySourceStatus("rapl", false, "/sys/class/powercap does not exist", null),
            new TelemetrySourceStatus("nvml", false, "libnvidia-ml.so.1: cannot open shared object file", null),
        };
        var t = PhaseSummarizer.Summarize(Scenario(), ch, table, null, sources);
        Assert.Equal(
            [
                "CPU package energy: not measured (rapl: /sys/class/powercap does not exist)",
                "GPU power, energy and utilization: not measured (nvml: libnvidia-ml.so.1: cannot open shared object file)",
            ], t.NotMeasured);
    }
}
