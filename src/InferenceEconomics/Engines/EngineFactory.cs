using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Models;

namespace InferenceEconomics.Engines;

/// <summary>
/// Which engine runs: auto = GenAI on CPU; on CUDA the plain-ORT engine, because GenAI's CUDA add-on
/// package is not part of this build (it is used when a user adds it).
/// </summary>
public sealed class EngineFactory : IEngineFactory
{
    public static EngineKind Resolve(EngineOptions options) => options.Engine switch
    {
        EngineKind.Auto => options.Device.IsCuda && !GenAiEngine.CudaAddOnPresent ? EngineKind.Ort : EngineKind.GenAi,
        var e => e,
    };

    /// <summary>
    /// Validates engine and device before any expensive work (model generation, loading): a CUDA
    /// request on a machine or build without CUDA fails here, with the library that is missing.
    /// Fields are <see cref="RunSettings"/> property names.
    /// </summary>
    public static EngineKind Preflight(EngineOptions options)
    {
        new Validator()
            .Require(!options.CudaGraph || options.Device.IsCuda, nameof(RunSettings.CudaGraph), null,
                "captures CUDA graphs, so it needs a CUDA device", "drop it for the CPU")
            .Require(options.Engine != EngineKind.Endpoint, nameof(RunSettings.EngineRequested), "endpoint",
                "measures an HTTP server, not a local model", "use the load command with --endpoint URL")
            .ThrowIfAny();
        var engine = Resolve(options);
        if (engine == EngineKind.Ort) Ort.OrtEngineSupport.CheckDevice(options.Device);
        return engine;
    }

    public IInferenceEngine Create(ResolvedModel model, EngineOptions options) => Resolve(options) switch
    {
        EngineKind.GenAi => new GenAiEngine(model, options),
        _ => new Ort.OrtEngine(model, options),
    };
}
