using System.Diagnostics;
using InferenceEconomics.Engines;
using InferenceEconomics.Models;
using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Measurement;

/// <summary>Where a sweep is, for progress bars.</summary>
public sealed record SweepProgress(int ScenarioIndex, int ScenarioCount, Scenario Scenario, string Phase, int Repetitions,
    double? DecodeTpsMedian, double? CiHalfWidth, double Elapsed, double Budget);

internal sealed record SweepOutcome(IReadOnlyList<ScenarioResult> Scenarios, bool Interrupted);

/// <summary>
/// Runs scenarios: warm-up (discarded), then repetitions until the 95% CI of the median of both
/// prefill_tps and decode_tps is within the target, the time budget ends, or the maximum count
/// is reached (never fewer than the minimum). A scenario that cannot run is recorded as failed
/// and the sweep goes on; Ctrl-C keeps finished scenarios and the repetitions of the one in progress
/// (status interrupted), and marks the rest not_run.
/// </summary>
internal sealed class SweepRunner(IInferenceEngine engine, GenAiConfig config, RunSettings settings, RunClock clock)
{
    public SweepOutcome Run(IReadOnlyList<Scenario> scenarios, Action<ScenarioResult>? onScenarioDone = null,
        IProgress<SweepProgress>? progress = null, CancellationToken ct = default)
    {
        var results = new List<ScenarioResult>();
        for (int i = 0; i < scenarios.Count; i++)
        {
            var r = RunScenario(scenarios[i], i, scenarios.Count, progress, ct);
            results.Add(r);
            onScenarioDone?.Invoke(r);
            if (r.Status == ScenarioStatus.Interrupted || ct.IsCancellationRequested)
            {
                results.AddRange(scenarios.Skip(i + 1).Select(s => NotRun(s, "interrupted before this scenario started")));
                return new SweepOutcome(results, Interrupted: true);
            }
            if (i + 1 < scenarios.Count && settings.CooldownSeconds > 0) ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(settings.CooldownSeconds));
        }
        return new SweepOutcome(results, Interrupted: false);
    }

    public ScenarioResult RunScenario(Scenario s, int index, int count, IProgress<SweepProgress>? progress, CancellationToken ct)
    {
        if (s.PromptTokens + s.GenTokens > config.ContextLength)
            return Failed(s, $"P+G = {s.PromptTokens + s.GenTokens} exceeds the model's context length {config.ContextLength}");
        var ids = PromptGenerator.Generate(config, s.BatchSize, s.PromptTokens, settings.Seed);
        var request = new GenerationRequest(s.BatchSize, s.PromptTokens, s.GenTokens, ids);
        var reps = new List<RepetitionSample>();
        try
        {
            for (int w = 0; w < settings.WarmupRepetitions; w++)
            {
                if (ct.IsCancellationRequested) return Interrupted(s, reps);
                progress?.Report(new SweepProgress(index, count, s, "warm-up", 0, null, null, 0, settings.TimeBudgetSeconds));
                try { engine.Run(request, ct); }
                catch (OperationCanceledException) { return Interrupted(s, reps); }
            }
            var sw = Stopwatch.StartNew();
            StopReason stop;
            while (true)
            {
                if (ct.IsCancellationRequested) return Interrupted(s, reps);
                try { reps.Add(RepetitionMetrics.ToSample(engine.Run(request, ct), clock)); }
                catch (OperationCanceledException) { return Interrupted(s, reps); }
                // The stop rule: every stop-rule metric's median CI within the target (docs/metrics.md "Statistics").
                var sofar = Result(s, ScenarioStatus.Ok, reps);
                double halfWidth = MetricCatalog.All.Where(m => m.StopRule)
                    .Max(m => m.SummaryOf(sofar)?.CiRelativeHalfWidth ?? double.PositiveInfinity);
                progress?.Report(new SweepProgress(index, count, s, "measure", reps.Count, MetricCatalog.DecodeTps.Value(sofar, Stat.Median),
                    double.IsFinite(halfWidth) ? halfWidth : null, sw.Elapsed.TotalSeconds, settings.TimeBudgetSeconds));
                if (reps.Count < settings.MinRepetitions) continue;
                if (halfWidth <= settings.CiTarget) { stop = StopReason.CiReached; break; }
                if (reps.Count >= settings.MaxRepetitions) { stop = StopReason.MaxRepetitions; break; }
                if (sw.Elapsed.TotalSeconds >= settings.TimeBudgetSeconds) { stop = StopReason.TimeBudget; break; }
            }
            var done = Result(s, ScenarioStatus.Ok, reps) with { WarmupRepetitions = settings.WarmupRepetitions, StopReason = stop };
            return done with { Summary = MetricCatalog.Summarize(done) };
        }
        catch (ScenarioFailedException e) { return Failed(s, e.Message); }
        catch (OutOfMemoryException e) { return Failed(s, $"out of memory: {e.Message}"); }
    }

    private static ScenarioResult Result(Scenario s, ScenarioStatus status, IReadOnlyList<RepetitionSample> reps) => new()
    {
        Id = s.Id, BatchSize = s.BatchSize, PromptTokens = s.PromptTokens, GenTokens = s.GenTokens, Status = status, Repetitions = reps,
    };

    /// <summary>Ctrl-C inside a scenario: the repetitions already measured are kept (nothing is lost), marked interrupted.</summary>
    private ScenarioResult Interrupted(Scenario s, List<RepetitionSample> reps)
    {
        var r = Result(s, ScenarioStatus.Interrupted, reps.ToList()) with
        {
            FailureReason = $"interrupted after {reps.Count} measured repetition(s); they are kept but fewer than the sweep asked for",
            WarmupRepetitions = settings.WarmupRepetitions, StopReason = StopReason.Interrupted,
        };
        return reps.Count > 0 ? r with { Summary = MetricCatalog.Summarize(r) } : r;
    }

    private static ScenarioResult Failed(Scenario s, string reason) => Result(s, ScenarioStatus.Failed, []) with { FailureReason = reason };

    private static ScenarioResult NotRun(Scenario s, string reason) =>
        Result(s, ScenarioStatus.NotRun, []) with { FailureReason = reason, StopReason = StopReason.Interrupted };
}
