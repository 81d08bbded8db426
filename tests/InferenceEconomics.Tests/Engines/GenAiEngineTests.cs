using InferenceEconomics.Engines;
using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Engines;

/// <summary>The GenAI engine on real ONNX files through a real ONNX Runtime GenAI session.</summary>
public class GenAiEngineTests
{
    [SharedModelTheory]
    [InlineData(1)]
    [InlineData(8)]
    public void Official_model_sweep_figures_agree_with_each_other(int batch)
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new GenAiEngine(model, new EngineOptions());
        AssertConsistentSweep(engine, model, batch, prompt: 16, gen: 8);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Synthetic_tiny_sweep_figures_agree_with_each_other(int batch)
    {
        var model = new ModelResolver(new InferenceEconomics.Common.ProjectPaths(Repo.Root)).Resolve("synthetic:tiny", new ModelRequest());
        Assert.True(model.Synthetic);
        Assert.Equal("tiny", model.SyntheticOf);
        using var engine = new GenAiEngine(model, new EngineOptions());
        AssertConsistentSweep(engine, model, batch, prompt: 32, gen: 8);
    }

    [SharedModelFact]
    public void Generates_exactly_G_tokens_per_sequence_and_is_deterministic()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new GenAiEngine(model, new EngineOptions());
        var ids = PromptGenerator.Generate(model.Config, 2, 12, seed: 3);
        var a = engine.Run(new GenerationRequest(2, 12, 6, ids, CaptureTokens: true));
        var b = engine.Run(new GenerationRequest(2, 12, 6, ids, CaptureTokens: true));
        Assert.Equal(5, a.StepEnds.Length);                       // G - 1 decode runs
        Assert.All(a.GeneratedIds!, seq => Assert.Equal(6, seq.Length));
        Assert.Equal(a.GeneratedIds, b.GeneratedIds);             // greedy: same ids every time
        Assert.True(a.PrefillStart < a.PrefillEnd && a.PrefillEnd <= a.FirstTokenEnd && a.FirstTokenEnd <= a.StepEnds[0]);
    }

    [SharedModelFact]
    public void Over_context_scenario_fails_with_reason_and_sweep_goes_on()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new GenAiEngine(model, new EngineOptions());
        var runner = new SweepRunner(engine, model.Config, FastSettings, RunClock.StartNew());
        var outcome = runner.Run(Scenario.Matrix([1], [2040, 8], [16]));
        Assert.Equal(ScenarioStatus.Failed, outcome.Scenarios[0].Status);
        Assert.Contains("context length 2048", outcome.Scenarios[0].FailureReason);
        Assert.Equal(ScenarioStatus.Ok, outcome.Scenarios[1].Status);
    }

    internal static RunSettings FastSettings => new() { WarmupRepetitions = 1, MinRepetitions = 3, MaxRepetitions = 5, TimeBudgetSeconds = 1 };

    /// <summary>Runs one scenario and checks the figures against each other (METRICS.md), a second way.</summary>
    internal static void AssertConsistentSweep(IInferenceEngine engine, ResolvedModel model, int batch, int prompt, int gen)
    {
        var runner = new SweepRunner(engine, model.Config, FastSettings, RunClock.StartNew());
        var s = runner.RunScenario(new Scenario(batch, prompt, gen), 0, 1, null, default);
        Assert.Equal(ScenarioStatus.Ok, s.Status);
        Assert.InRange(s.Repetitions.Count, 3, 5);
        foreach (var r in s.Repetitions)
        {
            Assert.Equal(gen - 1, r.StepSeconds.Count);
            Assert.True(r.TtftSeconds >= r.PrefillSeconds);
            double decodeTps = batch * (gen - 1.0) / r.StepSeconds.Sum(); // METRICS.md, written out
            // decode_tps x total step time = B x (G - 1)
            Assert.Equal(batch * (gen - 1), decodeTps * r.StepSeconds.Sum(), 1e-6);
            // the decode window on the run clock spans exactly the steps
            Assert.Equal(r.StepSeconds.Sum(), r.DecodeEndOffset - r.DecodeStartOffset, 1e-6);
            Assert.Equal(r.TtftSeconds, r.DecodeStartOffset - r.PrefillStartOffset, 1e-6);
        }
        var median = s.Repetitions.Select(r => batch * (double)(gen - 1) / r.StepSeconds.Sum()).Order().ToArray();
        double expectedMedian = median.Length % 2 == 1 ? median[median.Length / 2] : (median[median.Length / 2 - 1] + median[median.Length / 2]) / 2;
        Assert.Equal(expectedMedian, s.Summary!["decode_tps"].Median, 9);
        Assert.Equal(s.Repetitions.Sum(r => r.StepSeconds.Count), s.Summary["itl_seconds"].N);
    }
}
