using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>The written files load in a real ONNX Runtime session with the builder's I/O contract, and the KV cache grows by the step.</summary>
[Collection(OrtCollection.Name)]
public sealed class OrtSessionTests(SyntheticModelsFixture models)
{
    // tiny: 4 layers, 2 kv heads, head 256/4 = 64, vocab 8192.
    private const int Layers = 4, KvHeads = 2, Head = 64, Vocab = 8192;

    [Theory]
    [InlineData(WeightPrecision.Fp32, TensorElementType.Float)]
    [InlineData(WeightPrecision.Int4, TensorElementType.Float)]
    [InlineData(WeightPrecision.Fp16, TensorElementType.Float16)]
    public void SessionMetadataHasTheBuilderInputsAndOutputs(WeightPrecision precision, TensorElementType io)
    {
        using var session = new InferenceSession(Path.Combine(models.Folder(precision), "model.onnx"));
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;

        var expectedInputs = new List<string> { "input_ids", "attention_mask" };
        var expectedOutputs = new List<string> { "logits" };
        for (int l = 0; l < Layers; l++)
        {
            expectedInputs.AddRange([$"past_key_values.{l}.key", $"past_key_values.{l}.value"]);
            expectedOutputs.AddRange([$"present.{l}.key", $"present.{l}.value"]);
        }
        Assert.Equal(expectedInputs, session.InputNames);
        Assert.Equal(expectedOutputs, session.OutputNames);
        Assert.DoesNotContain("position_ids", session.InputNames);

        Assert.Equal(TensorElementType.Int64, inputs["input_ids"].ElementDataType);
        Assert.Equal(["batch_size", "sequence_length"], inputs["input_ids"].SymbolicDimensions);
        Assert.Equal(TensorElementType.Int64, inputs["attention_mask"].ElementDataType);
        Assert.Equal(["batch_size", "total_sequence_length"], inputs["attention_mask"].SymbolicDimensions);

        var past = inputs["past_key_values.3.value"];
        Assert.Equal(io, past.ElementDataType);
        Assert.Equal([-1, KvHeads, -1, Head], past.Dimensions);
        Assert.Equal(["batch_size", "", "past_sequence_length", ""], past.SymbolicDimensions);

        Assert.Equal(io, outputs["logits"].ElementDataType);
        Assert.Equal([-1, -1, Vocab], outputs["logits"].Dimensions);
        var present = outputs["present.0.key"];
        Assert.Equal(io, present.ElementDataType);
        Assert.Equal([-1, KvHeads, -1, Head], present.Dimensions);
        Assert.Equal(["batch_size", "", "total_sequence_length", ""], present.SymbolicDimensions);
    }

    [Theory]
    [InlineData(WeightPrecision.Fp32)]
    [InlineData(WeightPrecision.Int4)]
    public void KvCacheGrowsByOneTokenPerDecodeStep(WeightPrecision precision)
    {
        const int batch = 2, prompt = 7;
        using var session = new InferenceSession(Path.Combine(models.Folder(precision), "model.onnx"));

        // Prefill: P tokens, empty past.
        var ids = new DenseTensor<long>(Enumerable.Range(0, batch * prompt).Select(i => (long)(10 + i * 37 % 5000)).ToArray(), [batch, prompt]);
        var feeds = Feeds(ids, prompt, Enumerable.Range(0, 2 * Layers).Select(_ => new DenseTensor<float>([batch, KvHeads, 0, Head])).ToList());
        using var prefill = session.Run(feeds);
        var logits = prefill.First(r => r.Name == "logits").AsTensor<float>();
        Assert.Equal([batch, prompt, Vocab], logits.Dimensions.ToArray());
        Assert.All(logits.ToArray(), v => Assert.True(float.IsFinite(v)));
        var presents = Presents(prefill);
        Assert.All(presents, p => Assert.Equal([batch, KvHeads, prompt, Head], p.Dimensions.ToArray()));

        // One decode step: one new token, past = previous present.
        var next = new DenseTensor<long>(new long[] { 42, 43 }, [batch, 1]);
        using var step = session.Run(Feeds(next, prompt + 1, presents));
        Assert.Equal([batch, 1, Vocab], step.First(r => r.Name == "logits").AsTensor<float>().Dimensions.ToArray());
        Assert.All(Presents(step), p => Assert.Equal([batch, KvHeads, prompt + 1, Head], p.Dimensions.ToArray()));

        // The cache keeps the prompt's keys: the first P positions are the prefill's.
        var before = presents[0];
        var after = Presents(step)[0];
        for (int p = 0; p < prompt; p++)
            Assert.Equal(before[1, 1, p, 5], after[1, 1, p, 5]);
    }

    private static List<NamedOnnxValue> Feeds(DenseTensor<long> ids, int total, IReadOnlyList<DenseTensor<float>> past)
    {
        int batch = ids.Dimensions[0];
        var mask = new DenseTensor<long>([batch, total]);
        mask.Fill(1);
        var feeds = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input_ids", ids), NamedOnnxValue.CreateFromTensor("attention_mask", mask) };
        for (int l = 0; l < Layers; l++)
        {
            feeds.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{l}.key", past[2 * l]));
            feeds.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{l}.value", past[2 * l + 1]));
        }
        return feeds;
    }

    private static List<DenseTensor<float>> Presents(IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results)
    {
        var list = new List<DenseTensor<float>>();
        for (int l = 0; l < Layers; l++)
        {
            list.Add(Copy(results.First(r => r.Name == $"present.{l}.key").AsTensor<float>()));
            list.Add(Copy(results.First(r => r.Name == $"present.{l}.value").AsTensor<float>()));
        }
        return list;
    }

    private static DenseTensor<float> Copy(Tensor<float> t) => new(t.ToArray(), t.Dimensions.ToArray());

    [Fact]
    public void Fp16ModelRunsOnOrtCpu()
    {
        using var session = new InferenceSession(Path.Combine(models.Folder(WeightPrecision.Fp16), "model.onnx"));
        const int batch = 1, prompt = 5;
        var ids = new DenseTensor<long>(new long[] { 5, 6, 7, 8, 9 }, [batch, prompt]);
        var mask = new DenseTensor<long>([batch, prompt]);
        mask.Fill(1);
        var feeds = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input_ids", ids), NamedOnnxValue.CreateFromTensor("attention_mask", mask) };
        for (int l = 0; l < Layers; l++)
        {
            feeds.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{l}.key", new DenseTensor<Float16>([batch, KvHeads, 0, Head])));
            feeds.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{l}.value", new DenseTensor<Float16>([batch, KvHeads, 0, Head])));
        }
        using var results = session.Run(feeds);
        var logits = results.First(r => r.Name == "logits").AsTensor<Float16>();
        Assert.Equal([batch, prompt, Vocab], logits.Dimensions.ToArray());
        Assert.All(logits.ToArray(), v => Assert.True(float.IsFinite((float)v)));
    }
}
