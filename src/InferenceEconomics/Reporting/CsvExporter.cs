using System.Globalization;
using System.Text;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Reporting;

/// <summary>
/// scenarios.csv: one row per scenario, RFC 4180, invariant culture, stable column names
/// (documented in docs/reports.md; add columns at the end, never rename). Unknown = empty cell.
/// </summary>
public sealed class CsvExporter : IReportExporter
{
    public const string FileName = "scenarios.csv";

    /// <summary>The column names, in order. Part of the contract.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "run_id", "started_utc", "host", "hardware", "model", "synthetic_weights", "precision", "engine", "execution_provider", "device",
        "scenario_id", "status", "batch_size", "prompt_tokens", "gen_tokens", "repetitions", "stop_reason",
        "prefill_tps_median", "prefill_tps_ci_low", "prefill_tps_ci_high",
        "decode_tps_median", "decode_tps_ci_low", "decode_tps_ci_high",
        "output_tps_median",
        "ttft_ms_p50", "ttft_ms_p90", "ttft_ms_p99",
        "itl_ms_p50", "itl_ms_p90", "itl_ms_p99",
        "tpot_ms_median", "e2e_s_median",
        "prefill_j_per_token", "decode_j_per_token", "energy_sources",
        "failure_reason",
        "decode_bytes_per_step", "decode_roofline_efficiency", "prefill_roofline_efficiency", "roofline_bandwidth_gb_per_s",
    ];

    public string Name => "csv";

    public IReadOnlyList<string> Export(ReportContext context)
    {
        var path = Path.Combine(context.Folder, FileName);
        ResultStore.WriteAtomic(path, Render(context.Result));
        return [path];
    }

    public static string Render(RunResult r)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns)).Append("\r\n");
        string hardware = RunIdentity.HardwareOf(r);
        var limits = Economics.Roofline.Limits(r, Economics.HardwareCatalog.BuiltIn());
        foreach (var s in r.Scenarios)
        {
            var m = s.Summary;
            var energy = s.Telemetry?.Phases.Where(p => p.JoulesPerToken is not null).Select(p => $"{p.Phase}:{p.Source}:{p.Method}").Distinct().ToList();
            var cells = new List<string?>
            {
                r.RunId, r.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), r.Environment.Host, hardware,
                r.Model.Name, r.Model.Synthetic ? "true" : "false", r.Model.Precision, r.Engine.Name, r.Engine.ExecutionProvider, r.Engine.Device,
                s.Id, s.Status, N(s.BatchSize), N(s.PromptTokens), N(s.GenTokens), N(s.Repetitions.Count), s.StopReason,
                D(m?.PrefillTps.Median), D(m?.PrefillTps.CiLow), D(m?.PrefillTps.CiHigh),
                D(m?.DecodeTps.Median), D(m?.DecodeTps.CiLow), D(m?.DecodeTps.CiHigh),
                D(m?.OutputTps.Median),
                Ms(m?.TtftSeconds, x => x.Median), Ms(m?.TtftSeconds, x => x.P90), Ms(m?.TtftSeconds, x => x.P99),
                Ms(m?.ItlSeconds, x => x.Median), Ms(m?.ItlSeconds, x => x.P90), Ms(m?.ItlSeconds, x => x.P99),
                Ms(m?.TpotSeconds, x => x.Median), D(m?.E2eSeconds.Median),
                D(ScenarioMetrics.JoulesPerToken(s, "prefill")), D(ScenarioMetrics.JoulesPerToken(s, "decode")),
                energy is { Count: > 0 } ? string.Join(' ', energy) : null,
                s.FailureReason,
            };
            var roof = Economics.Roofline.For(r.Model, s, limits);
            cells.AddRange([D(roof?.DecodeBytesPerStep), D(roof?.DecodeEfficiency), D(roof?.PrefillEfficiency), D(limits.BandwidthBytesPerSecond / 1e9)]);
            sb.Append(string.Join(',', cells.Select(Escape))).Append("\r\n");
        }
        return sb.ToString();
    }

    private static string N(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string? D(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : null;
    private static string? Ms(SampleSummary? s, Func<SampleSummary, double> pick) => s is null ? null : D(pick(s) * 1000);

    /// <summary>RFC 4180: quote a field holding a comma, quote, CR or LF; double inner quotes.</summary>
    internal static string Escape(string? v)
    {
        if (v is null) return "";
        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{v.Replace("\"", "\"\"")}\"" : v;
    }
}
