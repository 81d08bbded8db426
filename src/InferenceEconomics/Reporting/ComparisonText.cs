using InferenceEconomics.Metrics;
using System.Globalization;
using System.Text;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Reporting;

/// <summary>Renders a comparison as the plain-text table `compare` prints.</summary>
public static class ComparisonText
{
    public static string Render(ComparisonReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"baseline : {r.BaselinePath}  ({Describe(r.Baseline)})");
        sb.AppendLine($"candidate: {r.CandidatePath}  ({Describe(r.Candidate)})");
        sb.AppendLine(Inv($"test: two-sided Mann-Whitney U, alpha {r.Alpha:0.###}, threshold {r.Threshold * 100:0.##}% (ratio = candidate median / baseline median)"));
        foreach (var l in r.Labels) sb.AppendLine($"note: {l}");
        sb.AppendLine();

        var rows = new List<string[]> { new[] { "scenario", "metric", "baseline", "candidate", "ratio", "p", "n", "verdict" } };
        foreach (var s in r.Scenarios)
            foreach (var m in s.Metrics)
                rows.Add([s.Key, $"{m.Metric} ({(m.Better == Better.Higher ? "higher" : "lower")} is better)",
                    Format(m.BaselineMedian, m.Unit), Format(m.CandidateMedian, m.Unit),
                    Inv($"{m.Ratio:0.000}"), FormatP(m.PValue), $"{m.BaselineN}/{m.CandidateN}",
                    m.Verdict.ToString() + (m.Note is null ? "" : " *")]);
        AppendTable(sb, rows);

        // One line per (metric, note): "all scenarios" when it applies everywhere, else the scenario keys.
        var notes = r.Scenarios.SelectMany(s => s.Metrics.Where(m => m.Note is not null).Select(m => (s.Key, m.Metric, Note: m.Note!)))
            .GroupBy(x => (x.Metric, x.Note)).ToList();
        if (notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var g in notes)
            {
                var where = g.Count() == r.Scenarios.Count && r.Scenarios.Count > 1 ? "all scenarios" : string.Join(", ", g.Select(x => x.Key));
                sb.AppendLine($"* {g.Key.Metric} ({where}): {g.Key.Note}");
            }
        }

        sb.AppendLine();
        sb.AppendLine("geometric mean of ratios over matched scenarios:");
        foreach (var g in r.GeometricMeans)
            sb.AppendLine(Inv($"  {g.Metric,-20} {g.Ratio:0.000}  ({g.Scenarios} scenario{(g.Scenarios == 1 ? "" : "s")}; {(g.Better == Better.Higher ? "above 1 is better" : "below 1 is better")})"));

        var tpd = r.Scenarios.Where(s => s.TokensPerDollar is not null).ToList();
        if (tpd.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("output tokens per dollar of rent at full use (output_tps x 3600 / $ per hour):");
            var t = new List<string[]> { new[] { "scenario", "baseline", "candidate", "ratio" } };
            foreach (var s in tpd)
                t.Add([s.Key, Inv($"{s.TokensPerDollar!.Baseline:N0}"), Inv($"{s.TokensPerDollar.Candidate:N0}"), Inv($"{s.TokensPerDollar.Ratio:0.000}")]);
            AppendTable(sb, t);
        }

        if (r.Unmatched.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("unmatched scenarios:");
            foreach (var u in r.Unmatched) sb.AppendLine($"  {u.Side,-9} {u.Key,-18} {u.ScenarioId}: {u.Reason}");
        }

        sb.AppendLine();
        sb.AppendLine(r.Regressed
            ? $"result: REGRESSION — {r.SlowerCount} metric(s) slower, {r.FasterCount} faster"
            : $"result: no regression — {r.FasterCount} metric(s) faster, none slower");
        return sb.ToString();
    }

    public static string Describe(RunIdentity id) =>
        Inv($"{id.Model}{(id.SyntheticWeights ? " [synthetic weights]" : "")}, {Words.Of(id.Precision)}, {Words.Of(id.Engine)} on {id.Device}, {id.Hardware}, {id.Host}, {id.StartedUtc.UtcDateTime:yyyy-MM-dd HH:mm}Z");

    /// <summary>Seconds shown as milliseconds; throughput with one decimal; J/token with 4 significant places.</summary>
    public static string Format(double value, string unit) => unit switch
    {
        "s" => Inv($"{value * 1000:0.###} ms"),
        "tok/s" => Inv($"{value:0.0} tok/s"),
        "J/tok" => Inv($"{value:0.####} J/tok"),
        _ => Inv($"{value:G4} {unit}"),
    };

    public static string FormatP(double p) => p < 0.001 ? "<0.001" : Inv($"{p:0.000}");

    internal static void AppendTable(StringBuilder sb, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        for (int k = 0; k < rows.Count; k++)
        {
            sb.AppendLine(string.Join("  ", rows[k].Select((c, i) => i is >= 2 and <= 6 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
            if (k == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
