using InferenceEconomics.Hardware;
using System.Globalization;
using InferenceEconomics.Economics;
using InferenceEconomics.Metrics;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Reporting;

/// <summary>One scenario of one run, with the hardware limits its roofline columns are held against.</summary>
public sealed record SummaryRow(RunResult Run, ScenarioResult Scenario, RooflineLimits Limits);

/// <summary>A cell: the text a table shows and the value scenarios.csv writes (null: an empty field).</summary>
public readonly record struct Cell(string Text, string? Csv)
{
    public static Cell Of(string? text) => new(text ?? "", text);
    public static Cell Missing(string text) => new(text, null);
    public static Cell Of(string text, double number) => new(text, number.ToString("R", CultureInfo.InvariantCulture));
}

/// <summary>
/// One column of the run summary table (BenchmarkDotNet's IColumn). <see cref="CsvName"/> null: not in
/// scenarios.csv; <see cref="Header"/> null: not in the report tables. <see cref="Measured"/> columns show a
/// scenario's failure instead of values. <see cref="ShownIf"/> hides a table column a run has nothing for.
/// </summary>
public sealed record Column(string? CsvName, string? Header, Func<SummaryRow, Cell> Get)
{
    public bool Numeric { get; init; }
    public bool Measured { get; init; }
    public Func<RunResult, bool>? ShownIf { get; init; }
}

/// <summary>
/// The run summary table, declared once: every column of report.md, report.html, the console and
/// scenarios.csv, in order. Metric columns come from <see cref="MetricCatalog"/> (their views); a metric
/// added to the catalog appears at the end of every table and of the CSV with no edit here.
/// scenarios.csv is a contract: columns are only ever appended (docs/reports.md).
/// </summary>
public static class SummaryTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Metrics placed in the columns' historical order; every other catalog metric follows the roofline columns.</summary>
    private static readonly Metric[] Placed =
    [
        MetricCatalog.PrefillTps, MetricCatalog.DecodeTps, MetricCatalog.OutputTps, MetricCatalog.Ttft, MetricCatalog.Itl,
        MetricCatalog.Tpot, MetricCatalog.E2e,
    ];

    public static IReadOnlyList<Column> Columns { get; } =
    [
        new("run_id", null, r => Cell.Of(r.Run.RunId)),
        new("started_utc", null, r => Cell.Of(r.Run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Inv))),
        new("host", null, r => Cell.Of(r.Run.Environment.Host)),
        new("hardware", null, r => Cell.Of(RunIdentity.HardwareOf(r.Run))),
        new("model", "model", r => new(ModelLabel(r.Run.Model), r.Run.Model.Name)),
        new(null, "params", r => Cell.Of(r.Run.Model.ParameterCount is long pc ? Format.Count(pc) : "?")) { Numeric = true },
        new("synthetic_weights", null, r => Cell.Of(r.Run.Model.Synthetic ? "true" : "false")),
        new("precision", "prec", r => Cell.Of(Words.Of(r.Run.Model.Precision))),
        new("engine", "engine", r => Cell.Of(Words.Of(r.Run.Engine.Name))),
        new("execution_provider", null, r => Cell.Of(r.Run.Engine.ExecutionProvider)),
        new("device", "device", r => Cell.Of(r.Run.Engine.Device.ToString())),
        new("scenario_id", null, r => Cell.Of(r.Scenario.Id)),
        new("status", null, r => Cell.Of(Words.Of(r.Scenario.Status))),
        new("batch_size", "B", r => Count(r.Scenario.BatchSize)) { Numeric = true },
        new("prompt_tokens", "P", r => Count(r.Scenario.PromptTokens)) { Numeric = true },
        new("gen_tokens", "G", r => Count(r.Scenario.GenTokens)) { Numeric = true },
        new("repetitions", null, r => Count(r.Scenario.Repetitions.Count)) { Numeric = true },
        new("stop_reason", null, r => Cell.Of(r.Scenario.StopReason is { } sr ? Words.Of(sr) : null)),
        .. Placed.SelectMany(MetricColumns),
        new(null, "n", r => Count(MetricCatalog.DecodeTps.SummaryOf(r.Scenario)?.N ?? 0)) { Numeric = true, Measured = true },
        .. MetricColumns(MetricCatalog.PrefillJoulesPerToken).Select(c => c with { ShownIf = HasEnergy }),
        .. MetricColumns(MetricCatalog.DecodeJoulesPerToken).Select(c => c with { ShownIf = HasEnergy }),
        new("energy_sources", null, r => Cell.Of(EnergySources(r.Scenario))),
        new("failure_reason", null, r => Cell.Of(r.Scenario.FailureReason)),
        new("decode_bytes_per_step", null, r => Number(Roof(r)?.DecodeBytesPerStep)) { Numeric = true },
        new("decode_roofline_efficiency", "decode roofline", r => Number(Roof(r)?.DecodeEfficiency,
            pct => pct.ToString("F0", Inv) + "%" + (pct > 100 ? " (in cache)" : ""), scale: 100, missing: "n/a"))
            { Numeric = true, Measured = true, ShownIf = HasRoofline },
        new("prefill_roofline_efficiency", null, r => Number(Roof(r)?.PrefillEfficiency)) { Numeric = true },
        new("roofline_bandwidth_gb_per_s", null, r => Number(r.Limits.BandwidthBytesPerSecond / 1e9)) { Numeric = true },
        .. MetricCatalog.All.Except(Placed).Except([MetricCatalog.PrefillJoulesPerToken, MetricCatalog.DecodeJoulesPerToken]).SelectMany(MetricColumns),
    ];

    /// <summary>The columns of scenarios.csv, in order (the contract).</summary>
    public static IReadOnlyList<Column> CsvColumns { get; } = Columns.Where(c => c.CsvName is not null).ToList();

    /// <summary>The columns the report tables show for a run (table columns a run has no data for are left out).</summary>
    public static IReadOnlyList<Column> TableColumns(RunResult run) =>
        Columns.Where(c => c.Header is not null && (c.ShownIf?.Invoke(run) ?? true)).ToList();

    public static IEnumerable<SummaryRow> Rows(RunResult run)
    {
        var limits = Roofline.Limits(run, HardwareCatalog.BuiltIn());
        return run.Scenarios.Select(s => new SummaryRow(run, s, limits));
    }

    /// <summary>The table's cells for one row: a scenario that did not finish shows its status and reason in place of values.</summary>
    public static IReadOnlyList<string> TableCells(SummaryRow row, IReadOnlyList<Column> columns)
    {
        bool measured = row.Scenario.Status == ScenarioStatus.Ok && row.Scenario.Summary is not null;
        var cells = new List<string>(columns.Count);
        bool saidWhy = false;
        foreach (var c in columns)
        {
            if (!c.Measured || measured) { cells.Add(c.Get(row).Text); continue; }
            cells.Add(saidWhy ? "" : $"{Words.Of(row.Scenario.Status)}: {row.Scenario.FailureReason}");
            saidWhy = true;
        }
        return cells;
    }

    /// <summary>The run table as Markdown (report.md and the console).</summary>
    public static MarkdownTable Markdown(RunResult run)
    {
        var columns = TableColumns(run);
        var t = new MarkdownTable(columns.Select(c => c.Header!).ToArray());
        for (int i = 0; i < columns.Count; i++) t.RightAligned[i] = columns[i].Numeric;
        foreach (var row in Rows(run)) t.Add(TableCells(row, columns).ToArray());
        return t;
    }

    /// <summary>The columns a metric's views declare.</summary>
    public static IEnumerable<Column> MetricColumns(Metric m) => m.Views.Select(v => new Column(v.CsvName, v.Header, r => MetricCell(m, v, r.Scenario))
    {
        Numeric = true, Measured = true,
    });

    private static Cell MetricCell(Metric m, MetricView v, ScenarioResult s)
    {
        if (m.Value(s, v.Stat) is not { } value) return Cell.Missing(m.Missing);
        double shown = value * v.Scale;
        string text = shown.ToString(v.Format, Inv);
        if (v.WithCi && m.SummaryOf(s)?.CiRelativeHalfWidth is { } hw && double.IsFinite(hw))
            text += $" ± {(hw * 100).ToString("F1", Inv)}%";
        return Cell.Of(text, shown);
    }

    private static bool HasEnergy(RunResult r) => r.Scenarios.Any(s => s.Telemetry?.Phases.Count > 0);

    private static bool HasRoofline(RunResult r)
    {
        var l = Roofline.Limits(r, HardwareCatalog.BuiltIn());
        return l.BandwidthBytesPerSecond is not null || l.PeakFlops is not null;
    }

    private static ScenarioRoofline? Roof(SummaryRow r) => Roofline.For(r.Run.Model, r.Scenario, r.Limits);

    private static string ModelLabel(ModelInfo m) =>
        m.Synthetic && !m.Name.StartsWith("synthetic:", StringComparison.Ordinal) ? $"{m.Name} (synthetic)" : m.Name;

    private static string? EnergySources(ScenarioResult s)
    {
        var list = s.Telemetry?.Phases.Where(p => p.JoulesPerToken is not null)
            .Select(p => $"{Words.Of(p.Phase)}:{p.Source}:{p.Method}").Distinct().ToList();
        return list is { Count: > 0 } ? string.Join(' ', list) : null;
    }

    private static Cell Count(int n) => Cell.Of(n.ToString(Inv), n);

    private static Cell Number(double? v, Func<double, string>? text = null, double scale = 1, string missing = "")
    {
        if (v is not { } d || !double.IsFinite(d)) return Cell.Missing(missing);
        return Cell.Of(text?.Invoke(d * scale) ?? d.ToString("R", Inv), d);
    }

    /// <summary>The footnote that says what the roofline column is held against.</summary>
    public static string? RooflineNote(RunResult r)
    {
        var l = Roofline.Limits(r, HardwareCatalog.BuiltIn());
        if (l.BandwidthBytesPerSecond is null && l.PeakFlops is null) return null;
        var parts = new List<string>();
        if (l.BandwidthBytesPerSecond is double bw) parts.Add($"memory bandwidth {(bw / 1e9).ToString("F1", Inv)} GB/s ({l.BandwidthSource})");
        parts.Add(l.PeakFlops is double pk ? $"peak {(pk / 1e12).ToString("F0", Inv)} TFLOP/s ({l.PeakFlopsSource})" : l.PeakFlopsSource);
        return "decode roofline: the physical lower bound of a decode step (weights and KV cache one step must read, over " +
               string.Join("; ", parts) + ") divided by the measured TPOT (docs/metrics.md \"Roofline\"); 100% = at the limit. Above 100% the weights fit in the CPU caches, so DRAM bandwidth is not what bounds that model.";
    }
}
