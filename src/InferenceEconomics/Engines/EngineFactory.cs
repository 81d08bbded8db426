using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Models;

namespace InferenceEconomics.Engines;

/// <summary>
/// --engine auto|genai|ort. auto = GenAI on CPU; on CUDA the plain-ORT engine, because GenAI's CUDA
/// add-on package is not part of this build (ort-genai.md §5).
/// </summary>
public sealed class EngineFactory : IEngineFactory
{
    public static readonly IReadOnlyList<string> EngineNames = ["auto", "genai", "ort"];

    public static string ResolveEngineName(EngineOptions options)
    {
        var name = options.Engine.ToLowerInvariant();
        if (!EngineNames.Contains(name))
            throw new InferenceEconomicsException(ErrorKind.Usage, $"--engine '{options.Engine}' is not one of auto, genai, ort");
        bool cuda = options.Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
        if (!cuda && !options.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
            throw new InferenceEconomicsException(ErrorKind.Usage, $"--device '{options.Device}' is not cpu, cuda or cuda:N");
        return name == "auto" ? (cuda && !GenAiEngine.CudaAddOnPresent ? "ort" : "genai") : name;
    }

    /// <summary>
    /// Validates engine and device before any expensive work (model generation, loading): a CUDA
    /// request on a machine or build without CUDA fails here, with the library that is missing.
    /// </summary>
    public static string Preflight(EngineOptions options)
    {
        var engine = ResolveEngineName(options);
        if (options.CudaGraph && !options.Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
            throw new InferenceEconomicsException(ErrorKind.Usage, "--cuda-graph needs --device cuda[:N]; drop it for the CPU");
        if (engine == "ort") Ort.OrtEngineSupport.CheckDevice(options.Device);
        return engine;
    }

    public IInferenceEngine Create(ResolvedModel model, EngineOptions options) => ResolveEngineName(options) switch
    {
        "genai" => new GenAiEngine(model, options),
        _ => new Ort.OrtEngine(model, options),
    };
}
