using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Reporting;

/// <summary>
/// The labels every report and chart must carry so that no output overstates what was measured:
/// synthetic weights, estimated power, missing sensors, unknown prices.
/// </summary>
public static class HonestyLabels
{
    /// <summary>Labels about the run itself (weights, run status).</summary>
    public static IReadOnlyList<string> ForRun(RunResult r)
    {
        var list = new List<string>(r.Labels);
        if (r.Model.Synthetic && !list.Any(l => l.Contains("synthetic", StringComparison.OrdinalIgnoreCase)))
            list.Add(r.Model.SyntheticOf is { } of ? $"synthetic weights (shape of {of})" : "synthetic weights");
        if (r.Status != RunStatus.Complete) list.Add($"run {Words.Of(r.Status)}: some scenarios did not finish");
        return list;
    }

    /// <summary>Labels about energy and telemetry: what was not measured and why.</summary>
    public static IReadOnlyList<string> ForTelemetry(RunResult r)
    {
        if (r.Telemetry is null) return ["power and utilization not measured (telemetry off)"];
        return r.Telemetry.Sources.Where(s => !s.Available).Select(s => $"{s.Name} not measured{(s.Reason is { Length: > 0 } why ? $": {why}" : "")}").ToList();
    }

    /// <summary>Run labels plus cost labels (estimated watts, unknown prices) when a cost analysis is shown.</summary>
    public static IReadOnlyList<string> ForCost(ReportContext ctx)
    {
        var list = new List<string>(ForRun(ctx.Result));
        if (ctx.Cost is { } c)
        {
            list.AddRange(c.Labels.Where(l => !list.Contains(l)));
            if (c.Pricing.WattsSource == "estimated" && !list.Any(l => l.Contains("estimated", StringComparison.OrdinalIgnoreCase)))
                list.Add("energy from estimated watts");
            if (c.Api.Any(a => a.CostPerRequest is null)) list.Add("some API prices unknown (not shown)");
        }
        return list;
    }
}
