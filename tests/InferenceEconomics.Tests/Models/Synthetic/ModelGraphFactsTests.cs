using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>What model.onnx says, read by the project's own reader: the GQA synthetic models in every precision and the official builder's MHA model.</summary>
[Collection(OrtCollection.Name)]
public sealed class ModelGraphFactsTests(SyntheticModelsFixture models)
{
    [Theory]
    [InlineData(WeightPrecision.Fp32, IoDType.Float32)]
    [InlineData(WeightPrecision.Int4, IoDType.Float32)]
    [InlineData(WeightPrecision.Fp16, IoDType.Float16)]
    public void Synthetic_models_read_back_their_preset_shape_precision_and_io(WeightPrecision precision, IoDType io)
    {
        var g = ModelGraphFacts.Read(Path.Combine(models.Folder(precision), "model.onnx"));
        // tiny: 4 layers, hidden 256, 4 heads, 2 KV heads (head 64), intermediate 768, vocab 8192, context 2048.
        Assert.Equal(4, g.Layers.Value);
        Assert.Equal(AttentionKind.GroupQuery, g.Attention);
        Assert.Equal((4L, 2L, 64L, 256L, 8192L), (g.Heads!.Value, g.KvHeads!.Value, g.HeadSize!.Value, g.HiddenSize!.Value, g.VocabSize!.Value));
        Assert.Equal(768, g.IntermediateSize!.Value);
        Assert.Equal(2048, g.RotaryPositions!.Value);
        Assert.Equal(precision, g.Precision);
        Assert.Equal(io, g.Io);
        // Parameters by the shape's own formula (embedding, layers, norms, untied lm_head): a second way to count them.
        Assert.Equal(SyntheticPresets.Get("tiny").ParameterCount, g.ParameterCount);
        Assert.Equal(("past_key_values.3.key", "past_key_values.3.value"), g.PastInputs[3]);
    }

    [Fact]
    public void Int4_with_fp16_io_is_int4_weights_and_float16_io()
    {
        var dir = Path.Combine(models.Root, "int4-fp16io");
        if (!Directory.Exists(dir))
            SyntheticModelBuilder.Build(new SyntheticSpec(SyntheticPresets.Get("tiny") with { Layers = 1 }, WeightPrecision.Int4, IoDType.Float16, 1, "tiny-custom"), dir);
        var g = ModelGraphFacts.Read(Path.Combine(dir, "model.onnx"));
        Assert.Equal((WeightPrecision.Int4, IoDType.Float16, 1L), (g.Precision, g.Io, g.Layers.Value));
        Assert.Contains("MatMulNBits", g.PrecisionSource);
    }

    [SharedModelFact]
    public void The_official_builder_model_is_fp16_mha_with_position_ids()
    {
        var g = ModelGraphFacts.Read(Path.Combine(Repo.SharedTinyModel!, "model.onnx"));
        Assert.Equal(AttentionKind.MultiHeadWithPositionIds, g.Attention);
        Assert.Equal((2L, 1L, 1L, 16L, 16L, 32000L), (g.Layers.Value, g.Heads!.Value, g.KvHeads!.Value, g.HeadSize!.Value, g.HiddenSize!.Value, g.VocabSize!.Value));
        Assert.Equal(64, g.IntermediateSize!.Value);
        Assert.Equal((WeightPrecision.Fp16, IoDType.Float16), (g.Precision, g.Io));
        // By hand: embedding 32000x16 + lm_head 16x32000 + 2 layers x (q,k,v,o 4x16x16 + mlp 3x16x64 + 2 norms x16) + final norm 16.
        Assert.Equal(2 * 512_000 + 2 * (1024 + 3072 + 32) + 16, g.ParameterCount);
    }

    [SharedModelFact]
    public void Precision_and_io_come_from_the_graph_not_the_folder_name()
    {
        using var tmp = new TempDir();
        var dir = tmp.Combine("my-model"); // nothing in the name says fp16
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(Repo.SharedTinyModel!)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var model = ModelResolver.FromFolder(dir, null);
        var info = RunOrchestrator.DescribeModel(model);
        Assert.Equal(("fp16", "float16", "multi_head+position_ids"), (Words.Of(info.Precision), Words.Of(info.IoDType), Words.Of(info.Attention)));
        Assert.Equal((2, 1, 1, 16, 32000), (info.Layers, info.Heads, info.KvHeads, info.HeadSize, info.VocabSize));
        Assert.Equal(1_032_272, info.ParameterCount);
    }
}
