using InferenceEconomics.Models;

namespace InferenceEconomics.Measurement;

/// <summary>
/// Seeded random prompt ids. They avoid pad and EOS ids: GenAI masks trailing pad tokens and an
/// EOS in the prompt could end a sequence, so either would change what is measured.
/// </summary>
internal static class PromptGenerator
{
    public static int[] Generate(GenAiConfig config, int batch, int promptTokens, int seed)
    {
        var forbidden = new HashSet<int>(config.EosTokenIds) { config.PadTokenId };
        var rng = new Random(HashCode.Combine(seed, batch, promptTokens));
        var ids = new int[batch * promptTokens];
        for (int i = 0; i < ids.Length; i++)
        {
            int id;
            do id = rng.Next(0, config.VocabSize); while (forbidden.Contains(id));
            ids[i] = id;
        }
        return ids;
    }
}
