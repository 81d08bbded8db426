using InferenceEconomics.Economics;
using InferenceEconomics.Metrics;

namespace InferenceEconomics.Load;

/// <summary>
/// Goodput (docs/metrics.md "Serving under load"): a request counts when it finished and each SLO bound holds
/// for that request's own value — TTFT, TPOT and E2EL as they are; ITL at the bound's percentile of the
/// request's own gaps; per-user tok/s as 1 / its TPOT. The bound's percentile applies across requests for the
/// level's latency figures, not here (as vLLM's --goodput).
/// </summary>
internal static class Goodput
{
    public static bool Meets(LoadRequestSample r, Slo slo)
    {
        if (!r.Ok) return false;
        foreach (var b in slo.Bounds)
        {
            double? value = b.Metric switch
            {
                SloMetric.Ttft => r.TtftSeconds,
                SloMetric.E2e => r.E2eSeconds,
                SloMetric.Tpot => r.TpotSeconds,
                SloMetric.Itl => r.ItlSeconds.Count == 0 ? 0 : Statistics.Quantile(r.ItlSeconds, b.Percentile / 100),
                _ => r.TpotSeconds is { } t && t > 0 ? 1 / t : null,
            };
            // A request with no such figure (one output token has no TPOT) cannot be held against that bound: it passes it.
            if (value is { } v && !b.Met(v)) return false;
        }
        return true;
    }
}
