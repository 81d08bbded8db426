using InferenceEconomics.Results;

namespace InferenceEconomics.Telemetry;

/// <summary>
/// Measured watts for the cost model (owned hardware: average watts x PUE x $/kWh). Devices
/// draw power at the same time, so their average watts add up; a device's average is its energy
/// over all measured phases divided by their time. Null when nothing measured power.
/// </summary>
internal static class MeasuredPower
{
    /// <summary>Sum over devices of gross (or net of idle) joules / seconds, over the given phase or all phases.</summary>
    public static double? AverageWatts(ScenarioTelemetry? telemetry, Phase? phase = null, bool netOfIdle = false)
    {
        if (telemetry is null) return null;
        double? total = null;
        foreach (var device in telemetry.Phases.Where(p => phase is null || p.Phase == phase).GroupBy(p => p.Source))
        {
            double seconds = device.Sum(p => p.Seconds);
            if (seconds <= 0) continue;
            if (netOfIdle && device.Any(p => p.NetJoules is null)) return null; // no idle baseline: no net figure
            double joules = device.Sum(p => netOfIdle ? p.NetJoules!.Value : p.GrossJoules);
            total = (total ?? 0) + joules / seconds;
        }
        return total;
    }

    /// <summary>The devices behind the figure, e.g. ["cpu-package-0", "gpu0"], for the label next to it.</summary>
    public static IReadOnlyList<string> Devices(ScenarioTelemetry? telemetry) =>
        telemetry?.Phases.Where(p => p.Seconds > 0).Select(p => p.Source).Distinct().Order(StringComparer.Ordinal).ToList() ?? [];
}
