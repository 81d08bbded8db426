namespace InferenceEconomics.Economics;

/// <summary>
/// The tokens of turn <see cref="Turn"/> (1-based) of a conversation whose whole history is resent:
/// its prompt (<see cref="ContextTokens"/>), the part an earlier turn already held (<see cref="HistoryTokens"/>:
/// the previous prompt and answer) and the new part (<see cref="NewTokens"/>: this turn's user message and retrieved context).
/// </summary>
public sealed record TurnTokens(int Turn, int ContextTokens, int HistoryTokens, int NewTokens, int AssistantTokens)
{
    /// <summary>Tokens in the sequence when this turn's answer is complete: the next turn's history.</summary>
    public int EndTokens => ContextTokens + AssistantTokens;
}

/// <summary>The token arithmetic of a conversation (docs/economics.md "Conversations").</summary>
public static class ConversationMath
{
    /// <summary>The default cache lifetime of a written prompt (5 minutes; --cache-ttl 1h: one hour). Declared once.</summary>
    public const double DefaultCacheTtlSeconds = 300;
    public const double OneHourCacheTtlSeconds = 3600;

    public static double CacheTtlSeconds(bool oneHour) => oneHour ? OneHourCacheTtlSeconds : DefaultCacheTtlSeconds;

    /// <summary>
    /// context_1 = system + user_1 + retrieved_1; context_i = context_(i-1) + assistant_(i-1) + user_i + retrieved_i.
    /// History of turn 1 is 0 (nothing held yet); of turn i, context_(i-1) + assistant_(i-1).
    /// </summary>
    public static IReadOnlyList<TurnTokens> Turns(ConversationShape c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var list = new List<TurnTokens>(c.Turns.Count);
        int history = 0;
        for (int i = 0; i < c.Turns.Count; i++)
        {
            var t = c.Turns[i];
            int fresh = t.UserTokens + t.RetrievedTokens + (i == 0 ? c.SystemPromptTokens : 0);
            var turn = new TurnTokens(i + 1, history + fresh, history, fresh, t.AssistantTokens);
            list.Add(turn);
            history = turn.EndTokens;
        }
        return list;
    }

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
