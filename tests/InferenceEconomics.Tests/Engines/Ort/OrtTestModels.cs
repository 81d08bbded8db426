using InferenceEconomics.Engines;
using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Engines.Ort;
using InferenceEconomics.Models;

namespace InferenceEconomics.Tests.Engines.Ort;

internal static class OrtTestModels
{
    public static readonly EngineOptions Cpu = new() { Engine = "ort", Device = "cpu" };

    /// <summary>Greedy ids of both engines for the same request: [0] GenAI, [1] OrtEngine.</summary>
    public static (int[][] GenAi, int[][] Ort) BothEngines(ResolvedModel model, GenerationRequest request, bool? deviceSelector = null)
    {
        using var genai = new GenAiEngine(model, new EngineOptions { Engine = "genai" });
        var expected = genai.Run(request).GeneratedIds!;
        using var ort = new OrtEngine(model, Cpu, deviceSelector);
        var actual = ort.Run(request).GeneratedIds!;
        return (expected, actual);
    }
}
