using InferenceEconomics.Engines;

namespace InferenceEconomics.Measurement;

/// <summary>Turns an engine's raw timestamps into the result's repetition sample (docs/metrics.md timing edges).</summary>
internal static class RepetitionMetrics
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
}
