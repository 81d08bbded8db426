using InferenceEconomics.Common;
using InferenceEconomics.Models;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace InferenceEconomics.Tests.Engines.Ort;

/// <summary>Real models the OrtEngine tests run, and GenAI's own greedy loop as the reference.</summary>
internal static class OrtTestModels
{
    /// <summary>../shared/models/tiny-random-LlamaForCausalLM-fp16 (official builder, MHA + position_ids, fp16 I/O), or null when absent.</summary>
    public static string? SharedTinyLlama()
    {
        var dir = Path.GetFullPath(Path.Combine(ProjectPaths.Discover().Root, "..", "shared", "models", "tiny-random-LlamaForCausalLM-fp16"));
        return File.Exists(Path.Combine(dir, GenAiConfig.FileName)) ? dir : null;
    }

    public static ResolvedModel Resolve(string dir, WeightPrecision precision = WeightPrecision.Fp16) => new()
    {
        Directory = dir,
        DisplayName = Path.GetFileName(dir),
        Config = GenAiConfig.Load(dir),
        Synthetic = false,
        Precision = precision,
    };

    /// <summary>Seeded prompt ids that avoid the pad, EOS and BOS ids (GenAI masks trailing pads).</summary>
    public static int[] Prompt(GenAiConfig cfg, int batch, int prompt, int seed)
    {
        var rng = new Random(seed);
        var banned = new HashSet<int>(cfg.EosTokenIds) { cfg.PadTokenId, cfg.BosTokenId };
        var ids = new int[batch * prompt];
        for (int i = 0; i < ids.Length; i++)
        {
            int id;
            do id = rng.Next(0, Math.Min(cfg.VocabSize, 30000)); while (banned.Contains(id));
            ids[i] = id;
        }
        return ids;
    }

    /// <summary>
    /// GenAI's greedy generation of exactly G tokens per sequence (min_length = max_length = P+G, do_sample
    /// false), through its C# API on the CPU: the independent reference for parity.
    /// </summary>
    public static int[][] GenAiGreedy(string dir, int batch, int prompt, int gen, int[] promptIds)
    {
        using var oga = new OgaHandle();
        using var config = new Config(dir);
        config.ClearProviders();
        using var model = new Model(config);
        using var gp = new GeneratorParams(model);
        gp.SetSearchOption("batch_size", batch);
        gp.SetSearchOption("max_length", prompt + gen);
        gp.SetSearchOption("min_length", prompt + gen);
        gp.SetSearchOption("do_sample", false);
        using var generator = new Generator(model, gp);
        generator.AppendTokens(promptIds);
        while (!generator.IsDone()) generator.GenerateNextToken();
        var result = new int[batch][];
        for (int b = 0; b < batch; b++)
        {
            var seq = generator.GetSequence((ulong)b).ToArray();
            Assert.Equal(prompt + gen, seq.Length);
            Assert.Equal(promptIds.AsSpan(b * prompt, prompt).ToArray(), seq.AsSpan(0, prompt).ToArray());
            result[b] = seq.AsSpan(prompt).ToArray();
        }
        return result;
    }
}

/// <summary>A theory that is reported skipped, with the reason, where ../shared/models is absent.</summary>
public sealed class SharedModelTheoryAttribute : TheoryAttribute
{
    public SharedModelTheoryAttribute()
    {
        if (OrtTestModels.SharedTinyLlama() is null) Skip = "../shared/models/tiny-random-LlamaForCausalLM-fp16 is absent";
    }
}

/// <summary>A fact that is reported skipped, with the reason, where ../shared/models is absent.</summary>
public sealed class SharedModelFactAttribute : FactAttribute
{
    public SharedModelFactAttribute()
    {
        if (OrtTestModels.SharedTinyLlama() is null) Skip = "../shared/models/tiny-random-LlamaForCausalLM-fp16 is absent";
    }
}
