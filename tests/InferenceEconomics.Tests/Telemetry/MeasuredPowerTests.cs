using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Tests.Telemetry;

public sealed class MeasuredPowerTests
{
    private static PhaseTelemetry P(Phase phase, string src, double s, double j, double? net = null) =>
        new() { Phase = phase, Source = src, Method = "counter", Seconds = s, GrossJoules = j, NetJoules = net, Samples = 3 };

    [Fact]
    public void Devices_add_and_phases_are_time_weighted()
    {
        var t = new ScenarioTelemetry
        {
            Phases =
            [
                P(Phase.Prefill, "gpu0", 1, 300, 200), P(Phase.Decode, "gpu0", 3, 600, 300),   // gpu0: 900 J / 4 s = 225 W (net 500/4 = 125)
                P(Phase.Prefill, "cpu-package-0", 1, 50, 20), P(Phase.Decode, "cpu-package-0", 3, 150, 60), // 200 / 4 = 50 W (net 80/4 = 20)
            ],
        };
        Assert.Equal(275, MeasuredPower.AverageWatts(t)!.Value, 9);
        Assert.Equal(145, MeasuredPower.AverageWatts(t, netOfIdle: true)!.Value, 9);
        Assert.Equal(250, MeasuredPower.AverageWatts(t, Phase.Decode)!.Value, 9);     // 600/3 + 150/3
        Assert.Equal(["cpu-package-0", "gpu0"], MeasuredPower.Devices(t));
    }

    [Fact]
    public void Nothing_measured_is_null_not_zero()
    {
        Assert.Null(MeasuredPower.AverageWatts(null));
        Assert.Null(MeasuredPower.AverageWatts(new ScenarioTelemetry()));
        Assert.Null(MeasuredPower.AverageWatts(new ScenarioTelemetry { Phases = [P(Phase.Decode, "gpu0", 2, 100)] }, netOfIdle: true));
    }

    [Fact]
    public void Run_lines_say_off_and_not_measured()
    {
        Assert.Contains("not measured", TelemetryText.RunMarkdown(null)[0]);
        var info = new TelemetryRunInfo
        {
            SampleMs = 50,
            Sources = [new("rapl", false, "/sys/class/powercap does not exist", null)],
            Idle = new IdleBaseline(1, 4, new Dictionary<string, double> { ["gpu0"] = 61.25 }, 60),
        };
        var lines = TelemetryText.RunMarkdown(info);
        Assert.Contains("- rapl: not measured — /sys/class/powercap does not exist", lines);
        Assert.Contains("- idle baseline: 3.0 s, 60 samples: gpu0 61.3 W", lines);
    }
}

public sealed class TelemetryTextTests
{
    [Fact]
    public void Scenario_markdown_shows_energy_rows_host_rows_and_warnings()
    {
        var t = new ScenarioTelemetry
        {
            Phases = [new PhaseTelemetry { Phase = Phase.Decode, Source = "gpu0", Method = "counter", Seconds = 2, GrossJoules = 600, NetJoules = 400, JoulesPerToken = 0.75, NetJoulesPerToken = 0.5, AverageWatts = 300, PeakWatts = 350.3, Samples = 40 }],
            Host = [new HostPhaseTelemetry { Phase = Phase.Decode, Seconds = 2, AverageSystemCpuPercent = 12.5, AverageProcessCpuPercent = 10, PeakRssBytes = 3 * 1024 * 1024, Samples = 40 }],
            Warnings = ["gpu0 throttled (power cap) during decode: 3 of 40 samples"],
            NotMeasured = ["CPU package energy: not measured (rapl: x)"],
        };
        var lines = TelemetryText.ScenarioMarkdown(t);
        Assert.Contains("| decode | gpu0 | counter | 2.000 | 600.000 | 400.000 | 0.75 | 0.5 | 300.0 | 350.3 | — | — | 40 |", lines);
        Assert.Contains("| decode | 2.000 | 12.5 | 10.0 | 3.0 MiB | 40 |", lines);
        Assert.Contains("- warning: gpu0 throttled (power cap) during decode: 3 of 40 samples", lines);
        Assert.Contains("- CPU package energy: not measured (rapl: x)", lines);
        Assert.DoesNotContain("- CPU package energy: not measured (rapl: x)", TelemetryText.ScenarioMarkdown(t, includeNotMeasured: false));
    }
}
