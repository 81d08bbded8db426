namespace InferenceEconomics.Models;

/// <summary>
/// A model folder ready to load, with what is known about it. Produced by ModelResolver from a
/// path, an alias of models/models.json, or synthetic:&lt;preset&gt;.
/// </summary>
public sealed record ResolvedModel
{
    /// <summary>Folder holding genai_config.json and the ONNX files.</summary>
    public required string Directory { get; init; }
    public required string DisplayName { get; init; }
    public required GenAiConfig Config { get; init; }
    public required bool Synthetic { get; init; }
    /// <summary>Preset or alias whose shape a synthetic model copies.</summary>
    public string? SyntheticOf { get; init; }
    /// <summary>Weight precision as the graph shows it (MatMulNBits: int4; else the weights' float type).</summary>
    public required WeightPrecision Precision { get; init; }
    /// <summary>What model.onnx says (layers, heads, sizes, precision, I/O type); the config has been checked against it.</summary>
    public required ModelGraphFacts Graph { get; init; }
    /// <summary>Known shape (from a preset or alias); null for an arbitrary folder (config fields only).</summary>
    public ModelShape? Shape { get; init; }
    /// <summary>True when this resolution generated the synthetic model (it was not in the cache yet).</summary>
    public bool GeneratedNow { get; init; }
}
