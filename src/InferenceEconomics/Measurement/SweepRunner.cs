using System.Diagnostics;
using InferenceEconomics.Engines;
using InferenceEconomics.Models;
using InferenceEconomics.Results;

namespace InferenceEconomics.Measurement;

/// <summary>How long and how hard to measure each scenario.</summary>
public sealed record MeasurementSettings
{
    public int WarmupRepetitions { get; init; } = 1;
    public int MinRepetitions { get; init; } = 3;
    public int MaxRepetitions { get; init; } = 50;
    /// <summary>Time budget for the measured repetitions of one scenario (warm-up not counted).</summary>
    public double TimeBudgetSeconds { get; init; } = 10;
    /// <summary>Target relative half-width of the 95% CI of the median (prefill and decode tps).</summary>
    public double CiTarget { get; init; } = 0.02;
    public int Seed { get; init; } = 42;
}

/// <summary>Where a sweep is, for progress bars.</summary>
public sealed record SweepProgress(int ScenarioIndex, int ScenarioCount, Scenario Scenario, string Phase, int Repetitions,
    double? DecodeTpsMedian, double? CiHalfWidth, double Elapsed, double Budget);

public sealed record SweepOutcome(IReadOnlyList<ScenarioResult> Scenarios, bool Interrupted);

/// <summary>
/// Runs scenarios: warm-up (discarded), then repetitions until the 95% CI of the median of both
/// prefill_tps and decode_tps is within the target, the time budget ends, or the maximum count
/// is reached (never fewer than the minimum). A scenario that cannot run is recorded as failed
/// and the sweep goes on; Ctrl-C keeps finished scenarios and the repetitions of the one in progress
/// (status interrupted), and marks the rest not_run.
/// </summary>
public sealed class SweepRunner(IInferenceEngine engine, GenAiConfig config, MeasurementSettings settings, RunClock clock)
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
            if (r.Status == InterruptedStatus || ct.IsCancellationRequested)
            {
                results.AddRange(scenarios.Skip(i + 1).Select(s => NotRun(s, "interrupted before this scenario started")));
                return new SweepOutcome(results, Interrupted: true);
            }
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
            string stop;
            while (true)
            {
                if (ct.IsCancellationRequested) return Interrupted(s, reps);
                try { reps.Add(RepetitionMetrics.ToSample(engine.Run(request, ct), clock)); }
                catch (OperationCanceledException) { return Interrupted(s, reps); }
                var decode = Statistics.Summarize(reps.Select(r => RepetitionMetrics.DecodeTps(r, s.BatchSize, s.GenTokens)));
                var prefill = Statistics.Summarize(reps.Select(r => RepetitionMetrics.PrefillTps(r, s.BatchSize, s.PromptTokens)));
                double halfWidth = Math.Max(decode.CiRelativeHalfWidth, prefill.CiRelativeHalfWidth);
                progress?.Report(new SweepProgress(index, count, s, "measure", reps.Count, decode.Median, halfWidth, sw.Elapsed.TotalSeconds, settings.TimeBudgetSeconds));
                if (reps.Count < settings.MinRepetitions) continue;
                if (halfWidth <= settings.CiTarget) { stop = "ci_reached"; break; }
                if (reps.Count >= settings.MaxRepetitions) { stop = "max_repetitions"; break; }
                if (sw.Elapsed.TotalSeconds >= settings.TimeBudgetSeconds) { stop = "time_budget"; break; }
            }
            return new ScenarioResult
            {
                Id = s.Id, BatchSize = s.BatchSize, PromptTokens = s.PromptTokens, GenTokens = s.GenTokens,
                Status = "ok", WarmupRepetitions = settings.WarmupRepetitions, StopReason = stop,
                Repetitions = reps, Summary = RepetitionMetrics.Summarize(reps, s.BatchSize, s.PromptTokens, s.GenTokens),
            };
        }
        catch (ScenarioFailedException e) { return Failed(s, e.Message); }
        catch (OutOfMemoryException e) { return Failed(s, $"out of memory: {e.Message}"); }
    }

    public const string InterruptedStatus = "interrupted";

    /// <summary>Ctrl-C inside a scenario: the repetitions already measured are kept (nothing is lost), marked interrupted.</summary>
    private ScenarioResult Interrupted(Scenario s, List<RepetitionSample> reps) => new()
    {
        Id = s.Id, BatchSize = s.BatchSize, PromptTokens = s.PromptTokens, GenTokens = s.GenTokens, Status = InterruptedStatus,
        FailureReason = $"interrupted after {reps.Count} measured repetition(s); they are kept but fewer than the sweep asked for",
        WarmupRepetitions = settings.WarmupRepetitions, StopReason = "interrupted",
        Repetitions = reps.ToList(), Summary = reps.Count > 0 ? RepetitionMetrics.Summarize(reps, s.BatchSize, s.PromptTokens, s.GenTokens) : null,
    };

    private static ScenarioResult Failed(Scenario s, string reason) => new()
    {
        Id = s.Id, BatchSize = s.BatchSize, PromptTokens = s.PromptTokens, GenTokens = s.GenTokens, Status = "failed", FailureReason = reason,
    };

    private static ScenarioResult NotRun(Scenario s, string reason) => new()
    {
        Id = s.Id, BatchSize = s.BatchSize, PromptTokens = s.PromptTokens, GenTokens = s.GenTokens, Status = "not_run", FailureReason = reason, StopReason = "interrupted",
    };
}
