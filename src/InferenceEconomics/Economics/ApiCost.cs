namespace InferenceEconomics.Economics;

/// <summary>The price of one request at an API, or null with the reason when a needed price is unknown.</summary>
internal sealed record ApiRequestCost(double? Dollars, IReadOnlyList<string> Notes)
{
    /// <summary>The request is longer than the card's context: not priced (Dollars is null).</summary>
    public bool ExceedsContext { get; init; }
}

/// <summary>API cost per request (docs/metrics.md "API cost").</summary>
internal static class ApiCost
{
    /// <summary>
    /// uncached_in x p_in + cached_in x p_cache_read + cache_write x p_cache_write + out x p_out
    /// + reasoning x p_reasoning. A long-context tier replaces the base prices for the whole request;
    /// batch prices apply only where the card has them (unknown is unknown, never 0).
    /// </summary>
    public static ApiRequestCost PerRequest(ApiRate rate, WorkloadSpec w, bool batch)
    {
        var notes = new List<string>();
        if (rate.MaxInputTokens is { } maxIn && w.InputTokens > maxIn)
            return new ApiRequestCost(null, [$"exceeds context: {w.InputTokens:N0} input tokens, the card allows {maxIn:N0}"]) { ExceedsContext = true };
        if (rate.MaxOutputTokens is { } maxOut && w.GeneratedTokens > maxOut)
            return new ApiRequestCost(null, [$"exceeds context: {w.GeneratedTokens:N0} output{(w.ReasoningTokens > 0 ? " + reasoning" : "")} tokens, the card allows {maxOut:N0}"]) { ExceedsContext = true };
        double? pIn = rate.Input, pOut = rate.Output, pCached = rate.CachedInput;
        double? pWrite = w.CacheWriteOneHour ? rate.CacheWrite1h : rate.CacheWrite5m;
        double? pReasoning = rate.Reasoning;
        string tierText = "";

        if (rate.TierFor(w.InputTokens) is { } tier)
        {
            tierText = $" above {tier.AboveInputTokens:N0} prompt tokens";
            notes.Add($"long-context prices (prompt over {tier.AboveInputTokens:N0} tokens) apply to the whole request");
            pIn = tier.Input; pOut = tier.Output; pCached = tier.CachedInput;
            pWrite = w.CacheWriteOneHour ? tier.CacheWrite1h : tier.CacheWrite5m;
            pReasoning = null; // a tier has no separate reasoning price: reasoning is billed as output
        }

        if (batch)
        {
            if (rate.BatchInput is null || rate.BatchOutput is null)
                return new ApiRequestCost(null, [.. notes, "no batch price known for this model"]);
            if (tierText.Length > 0)
                return new ApiRequestCost(null, [.. notes, "batch prices above the long-context threshold are unknown"]);
            pIn = rate.BatchInput; pOut = rate.BatchOutput; pReasoning = null;
            notes.Add(w.CachedInputTokens > 0 && pCached is not null
                ? "batch API prices; cached tokens at the card's (non-batch) cached price"
                : "batch API prices");
        }

        if (pIn is null) return new ApiRequestCost(null, [.. notes, $"input price{tierText} unknown"]);
        if (pOut is null) return new ApiRequestCost(null, [.. notes, $"output price{tierText} unknown"]);

        if (w.CachedInputTokens > 0 && pCached is null)
        {
            // No cache-read price: the provider does not discount repeated prefixes (as far as the card says).
            pCached = pIn;
            notes.Add($"no cached-input price{tierText}: cached tokens billed as input");
        }
        if (w.CacheWriteTokens > 0 && pWrite is null)
        {
            pWrite = pIn;
            notes.Add($"no {(w.CacheWriteOneHour ? "1-hour" : "5-minute")} cache-write price{tierText}: written tokens billed as input");
        }
        if (w.ReasoningTokens > 0 && pReasoning is null && !batch && tierText.Length == 0)
            notes.Add("reasoning tokens billed at the output price");
        var reasoningPrice = pReasoning ?? pOut.Value;

        double dollars = (w.PlainInputTokens * pIn.Value
                          + w.CachedInputTokens * (pCached ?? 0)   // pCached is set whenever CachedInputTokens > 0
                          + w.CacheWriteTokens * (pWrite ?? 0)     // likewise for writes
                          + w.OutputTokens * pOut.Value
                          + w.ReasoningTokens * reasoningPrice) / 1e6;
        return new ApiRequestCost(dollars, notes);
    }
}
