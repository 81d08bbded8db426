namespace InferenceEconomics.Economics;

/// <summary>The token arithmetic of a conversation (docs/economics.md "Conversations").</summary>
public static class ConversationMath
{
    /// <summary>The default cache lifetime of a written prompt (5 minutes; --cache-ttl 1h: one hour). Declared once.</summary>
    public const double DefaultCacheTtlSeconds = 300;
    public const double OneHourCacheTtlSeconds = 3600;

    public static double CacheTtlSeconds(bool oneHour) => oneHour ? OneHourCacheTtlSeconds : DefaultCacheTtlSeconds;

    /// <summary>The turns of a conversation (<see cref="TurnTokens.Of"/>).</summary>
    public static IReadOnlyList<TurnTokens> Turns(ConversationShape c) => TurnTokens.Of(c);

    /// <summary>
    /// The API request of one turn. Without caching every prompt token is plain input. With caching the
    /// prompt is written to the provider's cache each turn; the next turn reads the previous prompt from the
    /// cache (when the turn spacing is within the cache lifetime, each read refreshing it) and writes the
    /// rest; past the lifetime the whole prompt is written again.
    /// </summary>
    public static WorkloadSpec ApiRequest(string name, TurnTokens turn, TurnTokens? previous, bool caching, double spacingSeconds, bool oneHourCache)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var spec = new WorkloadSpec($"{name} turn {turn.Turn}", turn.ContextTokens, 0, turn.AssistantTokens, 0) { CacheWriteOneHour = oneHourCache };
        if (!caching) return spec;
        bool warm = previous is not null && spacingSeconds <= CacheTtlSeconds(oneHourCache);
        int cached = warm ? previous!.ContextTokens : 0;
        return spec with { CachedInputTokens = cached, CacheWriteTokens = turn.ContextTokens - cached };
    }
}
