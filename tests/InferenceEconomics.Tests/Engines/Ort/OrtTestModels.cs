using InferenceEconomics.Engines;
using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Engines.Ort;
using InferenceEconomics.Common;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Engines.Ort;

internal static class OrtTestModels
{
    public static readonly EngineOptions Cpu = new() { Engine = EngineKind.Ort, Device = Device.Cpu };

    /// <summary>Greedy ids of both engines for the same request: [0] GenAI, [1] OrtEngine.</summary>
    public static (int[][] GenAi, int[][] Ort) BothEngines(ResolvedModel model, GenerationRequest request, bool? deviceSelector = null)
    {
        using var genai = new GenAiEngine(model, new EngineOptions { Engine = EngineKind.GenAi });
        var expected = genai.Run(request).GeneratedIds!;
        using var ort = new OrtEngine(model, Cpu, deviceSelector);
        var actual = ort.Run(request).GeneratedIds!;
        return (expected, actual);
    }
}

/// <summary>The synthetic tiny preset (GroupQueryAttention, shared KV buffer) through the model resolver, built once per precision.</summary>
internal static class SyntheticTiny
{
    private static readonly Dictionary<WeightPrecision, Lazy<ResolvedModel>> Models = new()
    {
        [WeightPrecision.Fp32] = new(() => Build(WeightPrecision.Fp32)),
        [WeightPrecision.Int4] = new(() => Build(WeightPrecision.Int4)),
        [WeightPrecision.Fp16] = new(() => Build(WeightPrecision.Fp16)),
    };

    /// <summary>The synthetic tiny model at a precision, built once into the project's cache (a build failure fails the test).</summary>
    public static ResolvedModel Get(WeightPrecision precision) => Models[precision].Value;

    private static ResolvedModel Build(WeightPrecision precision) =>
        new ModelResolver(new ProjectPaths(Repo.Root)).Resolve("synthetic:tiny", new ModelRequest { Precision = precision });
}
