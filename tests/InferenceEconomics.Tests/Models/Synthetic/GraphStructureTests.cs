using InferenceEconomics.Models;
using InferenceEconomics.Models.Onnx;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>Read back with the project's own ONNX reader: the graph is the one onnxruntime-genai's builder emits for Llama.</summary>
[Collection(OrtCollection.Name)]
public sealed class GraphStructureTests(SyntheticModelsFixture models)
{
    private const int Layers = 4; // tiny

    private OnnxModel Read(WeightPrecision p) => OnnxModelInspector.Read(Path.Combine(models.Folder(p), "model.onnx"));

    [Theory]
    [InlineData(WeightPrecision.Fp32)]
    [InlineData(WeightPrecision.Int4)]
    [InlineData(WeightPrecision.Fp16)]
    public void OpTypesAndCountsAreTheBuildersLlamaGraph(WeightPrecision precision)
    {
        var m = Read(precision);
        var counts = m.Nodes.GroupBy(n => (n.Domain, n.OpType)).ToDictionary(g => g.Key, g => g.Count());
        // Per layer: qkv, o, gate, up, down = 5 matmuls; plus lm_head. Norms: 1 Simplified (layer 0),
        // 2 per layer Skip minus layer 0's input norm, plus the final one = 2 * 4 = 8.
        string matmul = precision == WeightPrecision.Int4 ? "MatMulNBits" : "MatMul";
        string matmulDomain = precision == WeightPrecision.Int4 ? "com.microsoft" : "";
        var expected = new Dictionary<(string, string), int>
        {
            [(matmulDomain, matmul)] = 5 * Layers + 1,
            [("com.microsoft", "GroupQueryAttention")] = Layers,
            [("", "SimplifiedLayerNormalization")] = 1,
            [("com.microsoft", "SkipSimplifiedLayerNormalization")] = 2 * Layers,
            [("", "Sigmoid")] = Layers,
            [("", "Mul")] = 2 * Layers,
            [("", "Gather")] = 2,      // embedding + Shape(mask)[1]
            [("", "ReduceSum")] = 1,
            [("", "Sub")] = 1,
            [("", "Cast")] = 2,
            [("", "Shape")] = 1,
            [("", "Constant")] = 2,
        };
        Assert.Equal(expected.OrderBy(k => k.Key.ToString()), counts.OrderBy(k => k.Key.ToString()));
        Assert.Equal(10, m.IrVersion);
        Assert.Equal(new Dictionary<string, long> { [""] = 21, ["com.microsoft"] = 1 }.OrderBy(k => k.Key), m.Opsets.OrderBy(k => k.Key));
        Assert.DoesNotContain(m.Nodes, n => n.OpType is "RotaryEmbedding" or "MultiHeadAttention" or "Attention");
    }

    [Fact]
    public void GroupQueryAttentionIsWiredAsTheBuilderWiresIt()
    {
        var m = Read(WeightPrecision.Fp32);
        var gqa = m.Nodes.Single(n => n.Name == "/model/layers.2/attn/GroupQueryAttention");
        var seqlensK = m.Nodes.Single(n => n.OpType == "Cast" && n.Inputs[0].Contains("Sub")).Outputs[0];
        var total = m.Nodes.Single(n => n.OpType == "Cast" && n.Inputs[0].Contains("Gather")).Outputs[0];
        Assert.Equal(9, gqa.Inputs.Count);
        Assert.Equal("", gqa.Inputs[1]);   // key and value come packed in input 0
        Assert.Equal("", gqa.Inputs[2]);
        Assert.Equal(["past_key_values.2.key", "past_key_values.2.value", seqlensK, total, "cos_cache", "sin_cache"], gqa.Inputs.Skip(3));
        Assert.Equal(["present.2.key", "present.2.value"], gqa.Outputs.Skip(1));
        Assert.Equal(4, gqa.Attribute("num_heads")!.Int);
        Assert.Equal(2, gqa.Attribute("kv_num_heads")!.Int);
        Assert.Equal(1, gqa.Attribute("do_rotary")!.Int);
        Assert.Equal(0, gqa.Attribute("rotary_interleaved")!.Int);
        Assert.Equal(-1, gqa.Attribute("local_window_size")!.Int);
        Assert.Equal(0.125f, gqa.Attribute("scale")!.Float);   // 1/sqrt(64)

        // The packed QKV MatMul feeding it is [hidden, q + 2 kv] = [256, 256 + 2*128].
        var qkv = m.Nodes.Single(n => n.Outputs[0] == gqa.Inputs[0]);
        Assert.Equal("MatMul", qkv.OpType);
        Assert.Equal([256L, 512L], m.Initializers.Single(i => i.Name == qkv.Inputs[1]).Dims);

        // seqlens_k = Cast<int32>(ReduceSum(mask, [1]) - 1); total = Cast<int32>(Shape(mask)[1]).
        var reduce = m.Nodes.Single(n => n.OpType == "ReduceSum");
        Assert.Equal("attention_mask", reduce.Inputs[0]);
        Assert.Equal(0, reduce.Attribute("keepdims")!.Int);
        Assert.Equal([1L], m.Nodes.Single(n => n.Outputs[0] == reduce.Inputs[1]).Attribute("value")!.Tensor.AsInt64());
        Assert.All(m.Nodes.Where(n => n.OpType == "Cast"), c => Assert.Equal(6, c.Attribute("to")!.Int)); // INT32

        // cos/sin caches [context, head/2].
        Assert.Equal([2048L, 32L], m.Initializers.Single(i => i.Name == "cos_cache").Dims);
        Assert.Equal([2048L, 32L], m.Initializers.Single(i => i.Name == "sin_cache").Dims);
    }

    [Fact]
    public void NormsAndMlpFollowTheBuilder()
    {
        var m = Read(WeightPrecision.Fp32);
        var first = m.Nodes.Single(n => n.OpType == "SimplifiedLayerNormalization");
        Assert.Equal("/model/embed_tokens/Gather/output_0", first.Inputs[0]);
        Assert.Equal(-1, first.Attribute("axis")!.Int);
        Assert.Equal(1, first.Attribute("stash_type")!.Int);
        Assert.Equal(1e-5f, first.Attribute("epsilon")!.Float);

        // A Skip norm between layers takes [residual, skip, weight] and exposes output 3 (input + skip).
        var skip = m.Nodes.Single(n => n.Name == "/model/layers.1/input_layernorm/SkipLayerNorm");
        Assert.Equal("/model/layers.0/mlp/down_proj/MatMul/output_0", skip.Inputs[1]);
        Assert.Equal(4, skip.Outputs.Count);
        Assert.Equal("", skip.Outputs[1]);
        Assert.Equal("", skip.Outputs[2]);

        // SiLU as Sigmoid + Mul, then Mul by up.
        var sig = m.Nodes.Single(n => n.Name == "/model/layers.3/mlp/act_fn/Sigmoid");
        var silu = m.Nodes.Single(n => n.Name == "/model/layers.3/mlp/act_fn/Mul");
        Assert.Equal("/model/layers.3/mlp/gate_proj/MatMul/output_0", sig.Inputs[0]);
        Assert.Equal([sig.Inputs[0], sig.Outputs[0]], silu.Inputs);
        var final = m.Nodes.Single(n => n.Name == "/model/layers.4/final_norm_layernorm/SkipLayerNorm");
        var lmHead = m.Nodes.Single(n => n.Outputs[0] == "logits");
        Assert.Equal(final.Outputs[0], lmHead.Inputs[0]);
    }

    [Theory]
    [InlineData(WeightPrecision.Fp32, OnnxDataType.Float)]
    [InlineData(WeightPrecision.Fp16, OnnxDataType.Float16)]
    [InlineData(WeightPrecision.Int4, OnnxDataType.Float)]
    public void EveryInitializerIsExternalAndFitsTheDataFile(WeightPrecision precision, OnnxDataType io)
    {
        var dir = models.Folder(precision);
        var m = Read(precision);
        long dataSize = new FileInfo(Path.Combine(dir, "model.onnx.data")).Length;
        Assert.All(m.Initializers, t =>
        {
            Assert.Equal("model.onnx.data", t.Location);
            Assert.Equal(t.ByteSize, t.Length);
            Assert.InRange(t.Offset + t.Length, 1, dataSize);
        });
        // No two tensors overlap.
        var sorted = m.Initializers.OrderBy(t => t.Offset).ToList();
        for (int i = 1; i < sorted.Count; i++) Assert.True(sorted[i].Offset >= sorted[i - 1].Offset + sorted[i - 1].Length);
        Assert.Equal(io, m.Initializers.Single(t => t.Name == "model.embed_tokens.weight").DataType);
        Assert.Equal(io, m.Inputs.Single(v => v.Name == "past_key_values.0.key").ElemType);
        Assert.Equal(io, m.Outputs.Single(v => v.Name == "logits").ElemType);
    }

    [Fact]
    public void Int4MatMulsAreMatMulNBitsBlock32WithoutZeroPoints()
    {
        var m = Read(WeightPrecision.Int4);
        var down = m.Nodes.Single(n => n.Name == "/model/layers.0/mlp/down_proj/MatMul_Q4");
        Assert.Equal("com.microsoft", down.Domain);
        Assert.Equal(3, down.Inputs.Count); // A, B, scales: no zero points (symmetric)
        Assert.Equal(768, down.Attribute("K")!.Int);
        Assert.Equal(256, down.Attribute("N")!.Int);
        Assert.Equal(4, down.Attribute("bits")!.Int);
        Assert.Equal(32, down.Attribute("block_size")!.Int);
        Assert.Equal(4, down.Attribute("accuracy_level")!.Int);
        var b = m.Initializers.Single(t => t.Name == down.Inputs[1]);
        Assert.Equal("model.layers.0.mlp.down_proj.MatMul.weight_Q4", b.Name);
        Assert.Equal(OnnxDataType.UInt8, b.DataType);
        Assert.Equal([256L, 768 / 32, 16], b.Dims);
        var scales = m.Initializers.Single(t => t.Name == down.Inputs[2]);
        Assert.Equal("model.layers.0.mlp.down_proj.MatMul.weight_scales", scales.Name);
        Assert.Equal([256L * 24], scales.Dims);
        Assert.Equal(OnnxDataType.Float, scales.DataType);
        // The embedding stays a float Gather (the builder quantizes MatMul only); lm_head is quantized.
        Assert.Equal(OnnxDataType.Float, m.Initializers.Single(t => t.Name == "model.embed_tokens.weight").DataType);
        Assert.Equal("MatMulNBits", m.Nodes.Single(n => n.Outputs[0] == "logits").OpType);
    }

    [Fact]
    public void CudaInt4FormHasFp16IoAndNoAccuracyLevel()
    {
        var dir = Path.Combine(models.Root, "int4-fp16io");
        SyntheticModelBuilder.Build(new SyntheticSpec(SyntheticPresets.Get("tiny") with { Layers = 1 }, WeightPrecision.Int4, IoDType.Float16), dir);
        var m = OnnxModelInspector.Read(Path.Combine(dir, "model.onnx"));
        Assert.All(m.Nodes.Where(n => n.OpType == "MatMulNBits"), n => Assert.Null(n.Attribute("accuracy_level")));
        Assert.Equal(OnnxDataType.Float16, m.Initializers.Single(t => t.Name == "lm_head.MatMul.weight_scales").DataType);
        Assert.Equal(OnnxDataType.Float16, m.Outputs.Single(v => v.Name == "logits").ElemType);
    }

    [Theory]
    [InlineData(WeightPrecision.Fp32)]
    [InlineData(WeightPrecision.Int4)]
    public void WeightCountInTheFileEqualsThePresetsParameterCount(WeightPrecision precision)
    {
        // Counted from the file: float tensors element by element; int4 B tensors as 2 weights per byte
        // (no padding: every K of tiny is a multiple of 32); scales and rotary caches are not parameters.
        var m = Read(precision);
        long count = m.Initializers
            .Where(t => t.Name is not ("cos_cache" or "sin_cache") && !t.Name.EndsWith("_scales", StringComparison.Ordinal))
            .Sum(t => t.DataType == OnnxDataType.UInt8 ? t.ElementCount * 2 : t.ElementCount);
        Assert.Equal(7_342_336, count);
    }

    [Fact]
    public void Int4WeightsHaveMeanZeroAndScalesNearOneOverSqrtK()
    {
        // Read one quantized weight straight from the data file, at the offset the model declares.
        var dir = models.Folder(WeightPrecision.Int4);
        var m = Read(WeightPrecision.Int4);
        var b = m.Initializers.Single(t => t.Name == "model.layers.1.mlp.up_proj.MatMul.weight_Q4");
        var sc = m.Initializers.Single(t => t.Name == "model.layers.1.mlp.up_proj.MatMul.weight_scales");
        using var f = File.OpenRead(Path.Combine(dir, "model.onnx.data"));
        var bytes = new byte[b.Length];
        f.Position = b.Offset; f.ReadExactly(bytes);
        var scaleBytes = new byte[sc.Length];
        f.Position = sc.Offset; f.ReadExactly(scaleBytes);

        var q = bytes.SelectMany(x => new[] { (x & 0x0F) - 8, (x >> 4) - 8 }).ToArray();
        Assert.DoesNotContain(-8, q);                       // symmetric range -7..7
        Assert.InRange(q.Average(), -0.05, 0.05);            // no shared bias (plain random nibbles average -0.5)
        Assert.InRange(q.Average(v => (double)v * v), 16.5, 18.5); // 17.5 expected
        var scales = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(scaleBytes).ToArray();
        double k = 256, expected = 1 / Math.Sqrt(17.5 * k);
        Assert.All(scales, s => Assert.InRange(s, 0.74 * expected, 1.26 * expected));
    }
}
