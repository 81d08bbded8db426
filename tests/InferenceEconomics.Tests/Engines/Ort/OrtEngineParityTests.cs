using InferenceEconomics.Engines;
using InferenceEconomics.Engines.Ort;

namespace InferenceEconomics.Tests.Engines.Ort;

public sealed class OrtEngineParityTests
{
    [SharedModelTheory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    public void SharedOfficialModel_GreedyIdsMatchGenAi(int batch, bool deviceSelector)
    {
        var dir = OrtTestModels.SharedTinyLlama();
        var model = OrtTestModels.Resolve(dir!);
        const int prompt = 7, gen = 12;
        var ids = OrtTestModels.Prompt(model.Config, batch, prompt, seed: 11 + batch);

        var expected = OrtTestModels.GenAiGreedy(dir!, batch, prompt, gen, ids);
        using var engine = new OrtEngine(model, new EngineOptions { Engine = "ort", Device = "cpu" }, deviceSelector);
        var run = engine.Run(new GenerationRequest(batch, prompt, gen, ids, CaptureTokens: true));

        Assert.NotNull(run.GeneratedIds);
        Assert.Equal(batch, run.GeneratedIds!.Length);
        for (int b = 0; b < batch; b++) Assert.Equal(expected[b], run.GeneratedIds[b]);
    }
}
