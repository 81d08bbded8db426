using InferenceEconomics.Engines;
using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>
/// The wiring the run command uses, end to end on a real model: the sweep runner's loop records
/// phase windows on the run clock and calls nothing of telemetry; each finished scenario is then
/// summarized from the samples, and the run info closes the run.
/// </summary>
public sealed class RealModelTelemetryTests
{
    [SharedModelFact]
    public void Sweep_windows_are_cut_from_the_samples_and_serialized()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new GenAiEngine(model, new EngineOptions());
        var clock = RunClock.StartNew();
        using var rec = TelemetryRecorder.Start(new TelemetryOptions(10, true, 0.2)
        {
            PowercapRoot = "/no/such/powercap",
            NvmlLibraryNames = ["libnvidia-ml-absent-for-test.so.1"],
        }, clock);
        rec.MeasureIdleBaseline(CancellationToken.None);

        var settings = new RunSettings { WarmupRepetitions = 1, MinRepetitions = 3, MaxRepetitions = 3, TimeBudgetSeconds = 1 };
        var outcome = new SweepRunner(engine, model.Config, settings, clock).Run(Scenario.Matrix([2], [8], [48]));
        var scenario = outcome.Scenarios.Single();
        Assert.Equal(ScenarioStatus.Ok, scenario.Status);
        scenario = scenario with { Telemetry = rec.Summarize(scenario) };
        var info = rec.Finish()!;

        var t = scenario.Telemetry!;
        Assert.Equal([Phase.Prefill, Phase.Decode], t.Host.Select(h => h.Phase).Order());
        var decode = t.Host.Single(h => h.Phase == Phase.Decode);
        Assert.Equal(scenario.Repetitions.Sum(r => r.DecodeEndOffset - r.DecodeStartOffset), decode.Seconds, 9);
        Assert.NotNull(decode.AverageProcessCpuPercent);
        Assert.True(decode.PeakRssBytes > 0);
        Assert.Empty(t.Phases);                                      // no power source on this machine...
        Assert.Equal(2, t.NotMeasured.Count);                        // ...and it says so, with reasons
        Assert.NotNull(info.Idle);
        Assert.Empty(info.Idle!.AveragePowerWatts);
        var back = ResultJson.Deserialize<ScenarioResult>(ResultJson.Serialize(scenario));
        Assert.Equal(t.Host.Count, back.Telemetry!.Host.Count);
        Assert.Equal(t.NotMeasured, back.Telemetry.NotMeasured);
    }
}
