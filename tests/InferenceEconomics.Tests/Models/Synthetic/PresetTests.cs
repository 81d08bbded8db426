using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Tests.Models.Synthetic;

public sealed class PresetTests
{
    [Fact]
    public void UnknownPresetSuggestsTheCloseName()
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => SyntheticPresets.Get("phi-3-mni"));
        Assert.Equal(ErrorKind.UnknownPreset, e.Kind);
        Assert.Contains("did you mean phi-3-mini", e.Message);
        Assert.Equal(6, e.ExitCode);
    }

    [Fact]
    public void PresetNamesAreCaseInsensitiveAndListed()
    {
        Assert.Equal(SyntheticPresets.Get("phi-3-mini"), SyntheticPresets.Get("PHI-3-Mini"));
        Assert.Equal(["tiny", "llama-3.2-1b", "llama-3.2-3b", "phi-3-mini", "llama-3.1-8b", "qwen2.5-7b", "mistral-7b", "llama-3.1-70b"], SyntheticPresets.Names);
        Assert.Equal("tiny", SyntheticPresets.Default);
    }

    [Fact]
    public void TinyParameterCountMatchesAHandCalculation()
    {
        // embed 8192*256 = 2,097,152 (lm_head the same); per layer: qkv 256*(256+2*128) = 131,072,
        // o 256*256 = 65,536, MLP 3*256*768 = 589,824, two norms 512 -> 786,944; 4 layers = 3,147,776; final norm 256.
        Assert.Equal(2_097_152L * 2 + 3_147_776 + 256, SyntheticPresets.Get("tiny").ParameterCount);
    }

    [Fact]
    public void Phi3MiniShapeAndParameterCountMatchTheRealModel()
    {
        var s = SyntheticPresets.Get("phi-3-mini");
        Assert.Equal((32, 3072, 32, 32, 8192, 32064, 4096, 96), (s.Layers, s.HiddenSize, s.Heads, s.KvHeads, s.IntermediateSize, s.VocabSize, s.ContextLength, s.HeadSize));
        // embed + lm_head 2*32064*3072 = 197,001,216; per layer qkv 3072*9216 = 28,311,552, o 9,437,184,
        // MLP 3*3072*8192 = 75,497,472, norms 6,144 -> 113,252,352; *32 = 3,624,075,264; + final 3,072.
        Assert.Equal(197_001_216L + 3_624_075_264 + 3_072, s.ParameterCount); // 3.82B, as published for Phi-3-mini
    }

    [Fact]
    public void Llama8bAnd70bLandOnTheirPublishedSizes()
    {
        // Published: Llama 3.1 8B = 8.03B, 70B = 70.6B parameters (untied lm_head).
        Assert.InRange(SyntheticPresets.Get("llama-3.1-8b").ParameterCount / 1e9, 8.02, 8.04);
        Assert.InRange(SyntheticPresets.Get("llama-3.1-70b").ParameterCount / 1e9, 70.5, 70.6);
        Assert.InRange(SyntheticPresets.Get("qwen2.5-7b").ParameterCount / 1e9, 7.6, 7.63);
    }

    [Theory]
    [InlineData("int8")]
    [InlineData("FP64")]
    public void BadPrecisionIsAUsageError(string text)
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => SyntheticSpec.ParsePrecision(text));
        Assert.Equal(ErrorKind.Usage, e.Kind);
    }

    [Fact]
    public void ImpossibleShapesAndPairsAreRejected()
    {
        var tiny = SyntheticPresets.Get("tiny");
        Assert.Throws<InferenceEconomicsException>(() => new SyntheticSpec(tiny with { Heads = 3 }, WeightPrecision.Fp32, IoDType.Float32).Validate());
        Assert.Throws<InferenceEconomicsException>(() => new SyntheticSpec(tiny with { KvHeads = 3 }, WeightPrecision.Fp32, IoDType.Float32).Validate());
        Assert.Throws<InferenceEconomicsException>(() => new SyntheticSpec(tiny, WeightPrecision.Fp32, IoDType.Float16).Validate());
        Assert.Throws<InferenceEconomicsException>(() => new SyntheticSpec(tiny, WeightPrecision.Fp16, IoDType.Float32).Validate());
        new SyntheticSpec(tiny, WeightPrecision.Int4, IoDType.Float16).Validate(); // CUDA int4 form is fine
    }
}
