using InferenceEconomics.Engines;
using InferenceEconomics.Results;

namespace InferenceEconomics.Measurement;

/// <summary>The METRICS.md formulas for one repetition and their summaries over repetitions.</summary>
public static class RepetitionMetrics
{
    public static RepetitionSample ToSample(RepetitionTimestamps t, RunClock clock)
    {
        var steps = new double[t.StepEnds.Length];
        long prev = t.FirstTokenEnd;
        for (int i = 0; i < steps.Length; i++) { steps[i] = RunClock.Seconds(prev, t.StepEnds[i]); prev = t.StepEnds[i]; }
        return new RepetitionSample
        {
            PrefillSeconds = RunClock.Seconds(t.PrefillStart, t.PrefillEnd),
            TtftSeconds = RunClock.Seconds(t.PrefillStart, t.FirstTokenEnd),
            StepSeconds = steps,
            PrefillStartOffset = clock.Offset(t.PrefillStart),
            DecodeStartOffset = clock.Offset(t.FirstTokenEnd),
            DecodeEndOffset = clock.Offset(prev),
        };
    }

    public static double PrefillTps(RepetitionSample r, int b, int p) => b * (double)p / r.PrefillSeconds;
    public static double DecodeTps(RepetitionSample r, int b, int g) => b * (double)(g - 1) / r.StepSeconds.Sum();
    public static double OutputTps(RepetitionSample r, int b, int g) => b * (double)g / r.E2eSeconds;
    public static double Tpot(RepetitionSample r, int g) => (r.E2eSeconds - r.TtftSeconds) / (g - 1);

    public static ScenarioSummary Summarize(IReadOnlyList<RepetitionSample> reps, int b, int p, int g) => new()
    {
        PrefillTps = Statistics.Summarize(reps.Select(r => PrefillTps(r, b, p))),
        DecodeTps = Statistics.Summarize(reps.Select(r => DecodeTps(r, b, g))),
        OutputTps = Statistics.Summarize(reps.Select(r => OutputTps(r, b, g))),
        TtftSeconds = Statistics.Summarize(reps.Select(r => r.TtftSeconds)),
        TpotSeconds = Statistics.Summarize(reps.Select(r => Tpot(r, g))),
        E2eSeconds = Statistics.Summarize(reps.Select(r => r.E2eSeconds)),
        ItlSeconds = Statistics.Summarize(reps.SelectMany(r => r.StepSeconds)),
        PrefillSeconds = Statistics.Summarize(reps.Select(r => r.PrefillSeconds)),
    };
}
