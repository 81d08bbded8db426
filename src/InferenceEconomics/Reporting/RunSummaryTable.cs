using System.Globalization;
using InferenceEconomics.Results;

namespace InferenceEconomics.Reporting;

/// <summary>The one llama-bench-style table of a run: a row per scenario (report.md and console).</summary>
public static class RunSummaryTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static MarkdownTable Build(RunResult r)
    {
        bool energy = r.Scenarios.Any(s => s.Telemetry?.Phases.Count > 0);
        var limits = Economics.Roofline.Limits(r, Economics.HardwareCatalog.BuiltIn());
        bool roofline = limits.BandwidthBytesPerSecond is not null || limits.PeakFlops is not null;
        var headers = new List<string> { "model", "params", "prec", "engine", "device", "B", "P", "G", "prefill t/s", "decode t/s", "TTFT ms", "ITL p50 ms", "ITL p90 ms", "ITL p99 ms", "TPOT ms", "E2E s", "n" };
        if (energy) headers.AddRange(["prefill J/tok", "decode J/tok"]);
        if (roofline) headers.Add("decode roofline");
        var t = new MarkdownTable(headers.ToArray());
        for (int i = 5; i < headers.Count; i++) t.RightAligned[i] = true;
        t.RightAligned[1] = true;
        var m = r.Model;
        string name = m.Synthetic && !m.Name.StartsWith("synthetic:", StringComparison.Ordinal) ? $"{m.Name} (synthetic)" : m.Name;
        string pars = m.ParameterCount is long pc ? FormatCount(pc) : "?";
        foreach (var s in r.Scenarios)
        {
            var cells = new List<string> { name, pars, m.Precision, r.Engine.Name, r.Engine.Device, I(s.BatchSize), I(s.PromptTokens), I(s.GenTokens) };
            if (s.Status != "ok" || s.Summary is null)
            {
                cells.Add($"{s.Status}: {s.FailureReason}");
                cells.AddRange(Enumerable.Repeat("", headers.Count - cells.Count));
            }
            else
            {
                var x = s.Summary;
                cells.AddRange([
                    WithCi(x.PrefillTps), WithCi(x.DecodeTps), F(x.TtftSeconds.Median * 1e3, 2),
                    F(x.ItlSeconds.Median * 1e3, 3), F(x.ItlSeconds.P90 * 1e3, 3), F(x.ItlSeconds.P99 * 1e3, 3),
                    F(x.TpotSeconds.Median * 1e3, 3), F(x.E2eSeconds.Median, 3), I(x.DecodeTps.N)]);
                if (energy)
                {
                    cells.Add(JoulesPerToken(s, "prefill"));
                    cells.Add(JoulesPerToken(s, "decode"));
                }
                if (roofline)
                    cells.Add(Economics.Roofline.For(m, s, limits)?.DecodeEfficiency is double eff
                        ? F(eff * 100, 0) + "%" + (eff > 1 ? " (in cache)" : "") : "n/a");
            }
            t.Add(cells.ToArray());
        }
        return t;
    }

    private static string JoulesPerToken(ScenarioResult s, string phase)
    {
        var p = s.Telemetry?.Phases.Where(x => x.Phase == phase && x.JoulesPerToken is not null).ToList();
        return p is { Count: > 0 } ? string.Join(" + ", p.Select(x => $"{x.JoulesPerToken!.Value.ToString("G3", Inv)} ({x.Source})")) : "not measured";
    }

    /// <summary>The footnote that says what the roofline column is held against.</summary>
    public static string? RooflineNote(RunResult r)
    {
        var l = Economics.Roofline.Limits(r, Economics.HardwareCatalog.BuiltIn());
        if (l.BandwidthBytesPerSecond is null && l.PeakFlops is null) return null;
        var parts = new List<string>();
        if (l.BandwidthBytesPerSecond is double bw) parts.Add($"memory bandwidth {F(bw / 1e9, 1)} GB/s ({l.BandwidthSource})");
        parts.Add(l.PeakFlops is double pk ? $"peak {F(pk / 1e12, 0)} TFLOP/s ({l.PeakFlopsSource})" : l.PeakFlopsSource);
        return "decode roofline: the physical lower bound of a decode step (weights and KV cache one step must read, over " +
               string.Join("; ", parts) + ") divided by the measured TPOT (METRICS.md \"Roofline\"); 100% = at the limit. Above 100% the weights fit in the CPU caches, so DRAM bandwidth is not what bounds that model.";
    }

    /// <summary>Median with the 95% CI half-width of the median in percent.</summary>
    public static string WithCi(Measurement.SampleSummary s) =>
        double.IsFinite(s.CiRelativeHalfWidth) ? $"{F(s.Median, 1)} ± {F(s.CiRelativeHalfWidth * 100, 1)}%" : F(s.Median, 1);

    public static string F(double v, int digits) => double.IsFinite(v) ? v.ToString("F" + digits, Inv) : "n/a";
    public static string I(int v) => v.ToString(Inv);

    public static string FormatCount(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("F2", Inv) + " B",
        >= 1_000_000 => (n / 1e6).ToString("F1", Inv) + " M",
        >= 1_000 => (n / 1e3).ToString("F1", Inv) + " K",
        _ => n.ToString(Inv),
    };

    public static string FormatBytes(long n) => n switch
    {
        >= 1L << 30 => (n / (double)(1L << 30)).ToString("F2", Inv) + " GiB",
        >= 1L << 20 => (n / (double)(1L << 20)).ToString("F1", Inv) + " MiB",
        _ => (n / 1024.0).ToString("F1", Inv) + " KiB",
    };
}
