namespace InferenceEconomics.Models.Synthetic;

/// <summary>
/// Real model shapes (from each model's public Hugging Face config.json: num_hidden_layers, hidden_size,
/// num_attention_heads, num_key_value_heads, intermediate_size, vocab_size, max_position_embeddings,
/// rope_theta, rms_norm_eps). Only the shape is copied; weights are synthetic.
/// Simplifications (no effect on the cost per token worth modelling): Llama 3.1/3.2 rope scaling,
/// Qwen2's q/k/v biases and tied embeddings are left out; lm_head is always a separate matrix.
/// </summary>
public static class SyntheticPresets
{
    public const string Default = "tiny";

    private static readonly (string Name, ModelShape Shape, string Description)[] All =
    [
        ("tiny", new ModelShape(4, 256, 4, 2, 768, 8192, 2048, 10000, 1e-5), "a few million parameters, runs in seconds (default)"),
        ("llama-3.2-1b", new ModelShape(16, 2048, 32, 8, 8192, 128256, 131072, 500000, 1e-5), "Llama 3.2 1B"),
        ("llama-3.2-3b", new ModelShape(28, 3072, 24, 8, 8192, 128256, 131072, 500000, 1e-5), "Llama 3.2 3B"),
        ("phi-3-mini", new ModelShape(32, 3072, 32, 32, 8192, 32064, 4096, 10000, 1e-5), "Phi-3-mini-4k (3.8B)"),
        ("llama-3.1-8b", new ModelShape(32, 4096, 32, 8, 14336, 128256, 131072, 500000, 1e-5), "Llama 3.1 8B"),
        ("qwen2.5-7b", new ModelShape(28, 3584, 28, 4, 18944, 152064, 32768, 1000000, 1e-6), "Qwen2.5 7B"),
        ("mistral-7b", new ModelShape(32, 4096, 32, 8, 14336, 32768, 32768, 1000000, 1e-5), "Mistral 7B v0.3"),
        ("llama-3.1-70b", new ModelShape(80, 8192, 64, 8, 28672, 128256, 131072, 500000, 1e-5), "Llama 3.1 70B"),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    public static string Description(string name) => All.First(p => p.Name == Canonical(name)).Description;

    public static bool Exists(string name) => All.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The preset's shape; UnknownPreset (with close names) otherwise.</summary>
    public static ModelShape Get(string name)
    {
        foreach (var p in All)
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Shape;
        throw new InferenceEconomicsException(ErrorKind.UnknownPreset,
            $"unknown synthetic preset '{name}'{Common.Suggest.DidYouMean(name, Names)}; presets: {string.Join(", ", Names)} (./run.sh models list)");
    }

    /// <summary>The preset's name as listed (lower case).</summary>
    public static string Canonical(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Name ?? name;
}
