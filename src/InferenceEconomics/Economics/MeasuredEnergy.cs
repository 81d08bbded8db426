using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>Power and energy per token a run measured for one scenario, summed over its energy sources.</summary>
internal sealed record MeasuredEnergy(double AverageWatts, IReadOnlyList<string> Sources, double? PrefillJoulesPerToken, double? DecodeJoulesPerToken)
{
    /// <summary>
    /// Joules per input and output token of a scenario: measured (gross) when <paramref name="energy"/> is given, else
    /// estimated as watts x phase time / tokens (prefill for input, the decode steps after the first token for output).
    /// </summary>
    public static (double? Input, double? Output) JoulesPerToken(MeasuredEnergy? energy, double? estimatedWatts, ScenarioResult s)
    {
        if (energy is not null) return (energy.PrefillJoulesPerToken, energy.DecodeJoulesPerToken);
        if (estimatedWatts is not { } w || s.Summary is null) return (null, null);
        double prefill = s.Median(MetricCatalog.PrefillTime), e2e = s.Median(MetricCatalog.E2e), ttft = s.Median(MetricCatalog.Ttft);
        double? output = s.GenTokens > 1 ? w * (e2e - ttft) / (s.BatchSize * (s.GenTokens - 1.0)) : null;
        return (w * prefill / (s.BatchSize * (double)s.PromptTokens), output);
    }

    /// <summary>Null when the scenario has no prefill/decode energy (telemetry off or no power source).</summary>
    public static MeasuredEnergy? From(ScenarioResult s)
    {
        var phases = s.Telemetry?.Phases.Where(p => p.Phase is Phase.Prefill or Phase.Decode && p.Seconds > 0 && p.GrossJoules >= 0).ToList();
        if (phases is null || phases.Count == 0) return null;
        var bySource = phases.GroupBy(p => p.Source).ToList();
        // Average power of each source over its busy windows (energy / time), summed across sources.
        double watts = bySource.Sum(g => g.Sum(p => p.GrossJoules) / g.Sum(p => p.Seconds));
        int reps = Math.Max(1, s.Repetitions.Count);
        double? PerToken(Phase phase, double tokensPerRep)
        {
            var ps = phases.Where(p => p.Phase == phase).ToList();
            if (ps.Count == 0 || tokensPerRep <= 0) return null;
            return ps.Sum(p => p.JoulesPerToken ?? p.GrossJoules / (tokensPerRep * reps));
        }
        return new MeasuredEnergy(watts, bySource.Select(g => g.Key).ToList(),
            PerToken(Phase.Prefill, (double)s.BatchSize * s.PromptTokens),
            PerToken(Phase.Decode, (double)s.BatchSize * (s.GenTokens - 1)));
    }
}
