using System.Globalization;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;
using InferenceEconomics.Telemetry.Nvml;

namespace InferenceEconomics.Reporting;

/// <summary>
/// Plain-text / Markdown lines for telemetry, shared by `hw` and the report writer so both say
/// the same thing the same way. Returns strings; never prints.
/// </summary>
public static class TelemetryText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"procfs: measured — ..." / "nvml: not measured — reason".</summary>
    public static string SourceLine(TelemetrySourceStatus s) =>
        s.Available ? $"{s.Name}: measured — {s.Detail}" : $"{s.Name}: not measured — {s.Reason}";

    /// <summary>Run-level lines: sampling, each source (measured / not measured with its reason), the idle baseline.</summary>
    public static IReadOnlyList<string> RunMarkdown(TelemetryRunInfo? info)
    {
        if (info is null) return ["Telemetry: off (--no-telemetry); power, energy and utilization not measured."];
        var lines = new List<string>
        {
            string.Create(Inv, $"Telemetry sampled every {info.SampleMs} ms: {info.SamplesTaken} samples ({info.LateSamples} late), one sample of all sources took {F(info.MeanReadMicroseconds, 0)} µs on average."),
        };
        foreach (var s in info.Sources) lines.Add($"- {SourceLine(s)}");
        if (info.Idle is not { } idle) lines.Add("- idle baseline: off (energy is gross only)");
        else if (idle.AveragePowerWatts.Count == 0)
            lines.Add(string.Create(Inv, $"- idle baseline: {idle.EndOffset - idle.StartOffset:0.0} s, {idle.Samples} samples, no power source measured"));
        else
            lines.Add(string.Create(Inv, $"- idle baseline: {idle.EndOffset - idle.StartOffset:0.0} s, {idle.Samples} samples: ")
                      + string.Join(", ", idle.AveragePowerWatts.Select(kv => string.Create(Inv, $"{kv.Key} {kv.Value:0.0} W"))));
        return lines;
    }

    /// <summary>
    /// A Markdown table of a scenario's energy per phase and source, then host figures, then
    /// warnings and gaps. includeNotMeasured: false where the run-level source lines already say it.
    /// </summary>
    public static IReadOnlyList<string> ScenarioMarkdown(ScenarioTelemetry t, bool includeNotMeasured = true)
    {
        var lines = new List<string>();
        if (t.Phases.Count > 0)
        {
            lines.Add("| phase | source | method | seconds | energy J (gross) | energy J (net of idle) | J/token | net J/token | avg W | peak W | util % | SM MHz | samples |");
            lines.Add("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var p in t.Phases)
                lines.Add($"| {Words.Of(p.Phase)} | {p.Source} | {p.Method} | {F(p.Seconds, 3)} | {F(p.GrossJoules, 3)} | {F(p.NetJoules, 3)} | {G(p.JoulesPerToken)} | {G(p.NetJoulesPerToken)} | {F(p.AverageWatts, 1)} | {F(p.PeakWatts, 1)} | {F(p.AverageUtilization, 1)} | {F(p.AverageSmClockMhz, 0)} | {p.Samples} |");
            lines.Add("");
        }
        if (t.Host.Count > 0)
        {
            lines.Add("| phase | seconds | system CPU % | process CPU % | peak RSS | samples |");
            lines.Add("|---|---:|---:|---:|---:|---:|");
            foreach (var h in t.Host)
                lines.Add($"| {Words.Of(h.Phase)} | {F(h.Seconds, 3)} | {F(h.AverageSystemCpuPercent, 1)} | {F(h.AverageProcessCpuPercent, 1)} | {Format.Bytes(h.PeakRssBytes)} | {h.Samples} |");
            lines.Add("");
        }
        if (t.PeakGpuMemoryBytes is { } g) lines.Add($"Peak GPU memory used: {Format.Bytes(g)}.");
        if (t.ProcessPeakRssBytes is { } r) lines.Add($"Process peak RSS (since start): {Format.Bytes(r)}.");
        if (includeNotMeasured) foreach (var n in t.NotMeasured) lines.Add($"- {n}");
        foreach (var w in t.Warnings) lines.Add($"- warning: {w}");
        return lines;
    }

    /// <summary>Human text of one live reading ("host.rss 45.1 MiB", "gpu0.throttle_reasons none").</summary>
    public static string Reading(ChannelReading r) => r.Unit switch
    {
        "bytes" => $"{r.Channel} {Format.Bytes((long)r.Value)}",
        "mask" => $"{r.Channel} {(ThrottleReasons.Describe((ulong)r.Value) is { Count: > 0 } d ? string.Join(", ", d) : "none")} (0x{(ulong)r.Value:x})",
        _ => $"{r.Channel} {F(r.Value, 1)} {r.Unit}",
    };

    private static string F(double? v, int digits) => v is { } x ? x.ToString("F" + digits, Inv) : "—";

    /// <summary>Per-token joules span many decades: 4 significant digits.</summary>
    private static string G(double? v) => v is { } x ? x.ToString("G4", Inv) : "—";
}
