namespace InferenceEconomics.Economics;

/// <summary>A named workload profile: tokens per request and the share of the prompt that is a reusable (cached) prefix.</summary>
public sealed record WorkloadProfile(string Name, string Description, int InputTokens, double CachedPrefixShare, int OutputTokens, int ReasoningTokens)
{
    public WorkloadSpec ToSpec() =>
        new(Name, InputTokens, (int)Math.Round(InputTokens * CachedPrefixShare, MidpointRounding.AwayFromZero), OutputTokens, ReasoningTokens);
}

/// <summary>The built-in workload profiles (docs/economics.md explains the cached shares).</summary>
public static class Workloads
{
    public static IReadOnlyList<WorkloadProfile> All { get; } =
    [
        // System prompt plus earlier turns are resent each turn: about a third is a stable prefix.
        new("chat", "chat: 1k in / 1k out", 1000, 0.3, 1000, 0),
        // The 2,000-token instructions are the same for every ticket; the 500 retrieved tokens vary.
        new("support-bot", "support bot: 2,000 prompt + 500 retrieved context in / 300 out", 2500, 0.8, 300, 0),
        // Retrieved chunks differ per question; only the instructions (~10%) repeat.
        new("rag", "RAG: 8k in / 500 out", 8000, 0.1, 500, 0),
        // Agent scaffolding (tools, instructions) is half of a short prompt.
        new("reasoning-agent", "reasoning agent: 1k in / 1.5k reasoning / 500 out", 1000, 0.5, 500, 1500),
        // Each document is new; only a short instruction (~5%) repeats.
        new("summarization", "summarization: 8k in / 1k out", 8000, 0.05, 1000, 0),
    ];

    public static WorkloadProfile Find(string name) =>
        All.FirstOrDefault(w => w.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
            $"unknown workload '{name}'{Common.Suggest.DidYouMean(name, All.Select(w => w.Name))}; known: {string.Join(", ", All.Select(w => w.Name))} (or give --input-tokens N --output-tokens N)");
}
