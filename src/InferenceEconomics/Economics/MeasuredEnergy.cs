using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>Power and energy per token a run measured for one scenario, summed over its energy sources.</summary>
public sealed record MeasuredEnergy(double AverageWatts, IReadOnlyList<string> Sources, double? PrefillJoulesPerToken, double? DecodeJoulesPerToken)
{
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
