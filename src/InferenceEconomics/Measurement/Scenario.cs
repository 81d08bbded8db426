namespace InferenceEconomics.Measurement;

/// <summary>One cell of the sweep: batch B, prompt P, generated G tokens per sequence.</summary>
public sealed record Scenario(int BatchSize, int PromptTokens, int GenTokens)
{
    public string Id => $"b{BatchSize}_p{PromptTokens}_g{GenTokens}";

    /// <summary>The cross product of the lists, like llama-bench: every parameter is a list.</summary>
    public static IReadOnlyList<Scenario> Matrix(IEnumerable<int> batches, IEnumerable<int> prompts, IEnumerable<int> gens) =>
        (from b in batches from p in prompts from g in gens select new Scenario(b, p, g)).ToList();
}
