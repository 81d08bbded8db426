using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Tests.Telemetry;

public sealed class MeasuredPowerTests
{
    private static PhaseTelemetry P(string phase, string src, double s, double j, double? net = null) =>
        new() { Phase = phase, Source = src, Method = "counter", Seconds = s, GrossJoules = j, NetJoules = net, Samples = 3 };

    [Fact]
    public void Devices_add_and_phases_are_time_weighted()
    {
        var t = new ScenarioTelemetry
        {
            Phases =
            [
                P("prefill", "gpu0", 1, 300, 200), P("decode", "gpu0", 3, 600, 300),   // gpu0: 900 J / 4 s = 225 W (net 500/4 = 125)
                P("prefill", "cpu-package-0", 1, 50, 20), P("decode", "cpu-package-0", 3, 150, 60), // 200 / 4 = 50 W (net 80/4 = 20)
            ],
        };
        Assert.Equal(275, MeasuredPower.AverageWatts(t)!.Value, 9);
        Assert.Equal(145, MeasuredPower.AverageWatts(t, netOfIdle: true)!.Value, 9);
        Assert.Equal(250, MeasuredPower.AverageWatts(t, "decode")!.Value, 9);     // 600/3 + 150/3
        Assert.Equal(["cpu-package-0", "gpu0"], MeasuredPower.Devices(t));
    }

    [Fact]
    public void Nothing_measured_is_null_not_zero()
    {
        Assert.Null(MeasuredPower.AverageWatts(null));
        Assert.Null(MeasuredPower.AverageWatts(new ScenarioTelemetry()));
        Assert.Null(MeasuredPower.AverageWatts(new ScenarioTelemetry { Phases = [P("decode", "gpu0", 2, 100)] }, netOfIdle: true));
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
