using InferenceEconomics.Models;

namespace InferenceEconomics.Measurement;

/// <summary>
/// Seeded random prompt ids. They avoid pad and EOS ids: GenAI masks trailing pad tokens and an
/// EOS in the prompt could end a sequence, so either would change what is measured.
/// The same (seed, batch, prompt tokens) gives the same ids in every process: the stream's seed is
/// <see cref="StreamSeed"/>, a fixed arithmetic mix (HashCode.Combine is randomised per process).
/// </summary>
internal static class PromptGenerator
{
    public static int[] Generate(GenAiConfig config, int batch, int promptTokens, int seed)
    {
        var forbidden = new HashSet<int>(config.EosTokenIds) { config.PadTokenId };
        var rng = new Random(StreamSeed(seed, batch, promptTokens));
        var ids = new int[batch * promptTokens];
        for (int i = 0; i < ids.Length; i++)
        {
            int id;
            do id = rng.Next(0, config.VocabSize); while (forbidden.Contains(id));
            ids[i] = id;
        }
        return ids;
    }

    /// <summary>seed x 1,000,003 + batch x 10,007 + prompt tokens, wrapped to 32 bits, sign bit cleared.</summary>
    internal static int StreamSeed(int seed, int batch, int promptTokens) =>
        unchecked(seed * 1_000_003 + batch * 10_007 + promptTokens) & int.MaxValue;
}
