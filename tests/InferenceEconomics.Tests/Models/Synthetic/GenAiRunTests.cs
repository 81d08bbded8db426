using InferenceEconomics.Models;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>The synthetic tiny model loads and generates under ORT GenAI 0.18 on CPU, as the run command will use it.</summary>
[Collection(OrtCollection.Name)]
public sealed class GenAiRunTests(SyntheticModelsFixture models)
{
    [Theory]
    [InlineData(WeightPrecision.Fp32, 1)]
    [InlineData(WeightPrecision.Fp32, 4)]
    [InlineData(WeightPrecision.Int4, 1)]
    [InlineData(WeightPrecision.Int4, 4)]
    public void TinyModelGeneratesFixedLengthUnderGenAi(WeightPrecision precision, int batch)
    {
        const int prompt = 12, gen = 5;
        var dir = models.Folder(precision);
        var ids = PromptIds(batch, prompt);

        var first = Generate(dir, batch, prompt, gen, ids);
        var second = Generate(dir, batch, prompt, gen, ids);

        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(prompt + gen, first[b].Length);                 // min_length = max_length: fixed length
            Assert.Equal(ids.Skip(b * prompt).Take(prompt), first[b][..prompt]); // the prompt is kept as given
            Assert.All(first[b][prompt..], t => Assert.InRange(t, 0, 8191)); // generated ids inside the vocab
            Assert.Equal(first[b], second[b]);                           // greedy on fixed weights: deterministic
        }
    }

    [Fact]
    public void Fp16CudaFormAlsoRunsOnGenAiCpuAndAgreesWithFp32()
    {
        // The fp16 model names the cuda provider (as the builder does); ClearProviders runs it on CPU.
        // Same seed, same weights up to fp16 rounding: the first greedy token agrees with fp32's.
        const int prompt = 10, gen = 3;
        var ids = PromptIds(1, prompt);
        var fp16 = Generate(models.Folder(WeightPrecision.Fp16), 1, prompt, gen, ids)[0];
        var fp32 = Generate(models.Folder(WeightPrecision.Fp32), 1, prompt, gen, ids)[0];
        Assert.Equal(prompt + gen, fp16.Length);
        Assert.Equal(fp32[prompt], fp16[prompt]);
    }

    private static int[] PromptIds(int batch, int prompt)
    {
        var rng = new Random(7);
        // Avoid bos/eos/pad (1, 2): trailing pad ids would be masked.
        return Enumerable.Range(0, batch * prompt).Select(_ => rng.Next(3, 8192)).ToArray();
    }

    private static int[][] Generate(string dir, int batch, int prompt, int gen, int[] ids)
    {
        using var oga = new OgaHandle();
        using var cfg = new Config(dir);
        cfg.ClearProviders();
        using var model = new Model(cfg);
        using var gp = new GeneratorParams(model);
        gp.SetSearchOption("batch_size", batch);
        gp.SetSearchOption("max_length", prompt + gen);
        gp.SetSearchOption("min_length", prompt + gen);
        gp.SetSearchOption("do_sample", false);
        using var g = new Generator(model, gp);
        g.AppendTokens(ids);
        int steps = 0;
        while (!g.IsDone()) { g.GenerateNextToken(); steps++; }
        Assert.Equal(gen, steps);
        return Enumerable.Range(0, batch).Select(b => g.GetSequence((ulong)b).ToArray()).ToArray();
    }
}
