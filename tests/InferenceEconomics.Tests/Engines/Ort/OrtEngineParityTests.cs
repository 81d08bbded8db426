using InferenceEconomics.Engines;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Engines.Ort;

/// <summary>
/// OrtEngine (own loop on plain ONNX Runtime) and GenAiEngine (ONNX Runtime GenAI's loop) choose the same
/// greedy ids for the same prompts: GenAI is the independent reference.
/// </summary>
public sealed class OrtEngineParityTests
{
    [SharedModelTheory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    public void Official_mha_model_greedy_ids_match_genai(int batch, bool deviceSelector)
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        const int prompt = 7, gen = 12;
        var ids = PromptGenerator.Generate(model.Config, batch, prompt, seed: 11);
        var request = new GenerationRequest(batch, prompt, gen, ids, CaptureTokens: true);

        var (expected, actual) = OrtTestModels.BothEngines(model, request, deviceSelector);

        Assert.Equal(batch, actual.Length);
        Assert.All(actual, seq => Assert.Equal(gen, seq.Length));
        Assert.Equal(expected, actual);
        // Not a degenerate model that repeats one id: the comparison means something.
        Assert.True(actual.SelectMany(s => s).Distinct().Count() > gen / 2);
    }

    [Theory]
    [InlineData(WeightPrecision.Fp32, 1)]
    [InlineData(WeightPrecision.Fp32, 4)]
    [InlineData(WeightPrecision.Int4, 1)]
    [InlineData(WeightPrecision.Int4, 4)]
    [InlineData(WeightPrecision.Fp16, 1)]
    [InlineData(WeightPrecision.Fp16, 4)]
    public void Synthetic_gqa_model_greedy_ids_match_genai(WeightPrecision precision, int batch)
    {
        var model = SyntheticTiny.Get(precision);
        const int prompt = 9, gen = 10;
        var ids = PromptGenerator.Generate(model.Config, batch, prompt, seed: 3);
        var request = new GenerationRequest(batch, prompt, gen, ids, CaptureTokens: true);

        var (expected, actual) = OrtTestModels.BothEngines(model, request);
        Assert.Equal(expected, actual);
        Assert.True(actual.SelectMany(s => s).Distinct().Count() > 2);

        // The graph selector (what the CUDA path runs) agrees too.
        var (_, onGraph) = OrtTestModels.BothEngines(model, request, deviceSelector: true);
        Assert.Equal(expected, onGraph);
    }

    [Theory]
    [InlineData(WeightPrecision.Fp32)]
    public void Synthetic_gqa_model_shares_one_kv_buffer(WeightPrecision precision)
    {
        using var engine = new InferenceEconomics.Engines.Ort.OrtEngine(SyntheticTiny.Get(precision), OrtTestModels.Cpu);
        Assert.True(engine.SharesKvBuffer); // past_present_share_buffer and no position_ids
    }
}

/// <summary>
/// The --cuda-graph decoder's loop (fixed KV/ids/mask/logits buffers, static [B, P+G] mask, selector writing the
/// next ids and mask into them) run on the CPU EP without graphs: its ids must still be GenAI's.
/// </summary>
public sealed class FixedBufferDecoderTests
{
    [Theory]
    [InlineData(WeightPrecision.Fp32, 1)]
    [InlineData(WeightPrecision.Fp32, 4)]
    [InlineData(WeightPrecision.Fp16, 4)]
    public void Static_mask_decoder_matches_genai(WeightPrecision precision, int batch)
    {
        var model = SyntheticTiny.Get(precision);
        var ids = PromptGenerator.Generate(model.Config, batch, 9, seed: 4);
        var request = new GenerationRequest(batch, 9, 10, ids, CaptureTokens: true);
        using var genai = new InferenceEconomics.Engines.GenAi.GenAiEngine(model, new EngineOptions { Engine = EngineKind.GenAi });
        var expected = genai.Run(request).GeneratedIds!;
        using var engine = new InferenceEconomics.Engines.Ort.OrtEngine(model, OrtTestModels.Cpu, deviceSelector: null, fixedBufferDecode: true);
        Assert.Equal(expected, engine.Run(request).GeneratedIds);
        Assert.Equal(expected, engine.Run(request).GeneratedIds); // second repetition reuses the same buffers
    }
}
