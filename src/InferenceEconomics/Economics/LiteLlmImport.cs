using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceEconomics.Economics;

/// <summary>What an import produced: the cards, the entries skipped (and why), and per-entry notes on keys not understood.</summary>
public sealed record LiteLlmImportResult(IReadOnlyList<ApiRate> Rates, IReadOnlyList<ImportMessage> Skipped, IReadOnlyList<ImportMessage> Notes);

public sealed record ImportMessage(string Key, string Message);

/// <summary>
/// Reads LiteLLM's model_prices_and_context_window.json (USD per token) into rate cards (USD per
/// million tokens). Only text-generation entries priced per token are kept; a missing price stays
/// unknown (null), never 0.
/// </summary>
public static partial class LiteLlmImport
{
    private static readonly HashSet<string> TextModes = new(StringComparer.OrdinalIgnoreCase) { "chat", "completion", "responses" };

    // Keys this importer maps; every other key holding "cost" is reported as ignored.
    private static readonly Dictionary<string, string> BaseKeys = new()
    {
        ["input_cost_per_token"] = "input",
        ["output_cost_per_token"] = "output",
        ["cache_read_input_token_cost"] = "cached_input",
        ["cache_creation_input_token_cost"] = "cache_write_5m",
        ["cache_creation_input_token_cost_above_1hr"] = "cache_write_1h",
        ["output_cost_per_reasoning_token"] = "reasoning",
        ["input_cost_per_token_batches"] = "batch_input",
        ["output_cost_per_token_batches"] = "batch_output",
    };

    [GeneratedRegex(@"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$")]
    private static partial Regex TierKey();

    public static LiteLlmImportResult Parse(string json, string origin, string seen)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid,
                $"{origin}: malformed JSON at {Common.JsonErrorText.Where(e)}; give LiteLLM's model_prices_and_context_window.json", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: the top level is not an object of model entries; give LiteLLM's model_prices_and_context_window.json");
            var rates = new List<ApiRate>();
            var skipped = new List<ImportMessage>();
            var notes = new List<ImportMessage>();
            var seenKeys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string source = $"LiteLLM model_prices_and_context_window.json (imported from {Path.GetFileName(origin)})";
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                var (rate, reason, ignored) = Convert(entry, seen, source);
                if (rate is null) { skipped.Add(new ImportMessage(entry.Name, reason!)); continue; }
                if (seenKeys.TryGetValue(rate.Key, out var first)) { skipped.Add(new ImportMessage(entry.Name, $"same provider/model as '{first}' ({rate.Key})")); continue; }
                seenKeys[rate.Key] = entry.Name;
                rates.Add(rate);
                if (ignored.Count > 0) notes.Add(new ImportMessage(entry.Name, $"ignored (not modelled): {string.Join(", ", ignored)}"));
            }
            return new LiteLlmImportResult(rates, skipped, notes);
        }
    }

    private static (ApiRate? Rate, string? Reason, List<string> Ignored) Convert(JsonProperty entry, string seen, string source)
    {
        var ignored = new List<string>();
        if (entry.Name == "sample_spec") return (null, "LiteLLM's field documentation, not a model", ignored);
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object) return (null, "not an object", ignored);
        if (e.TryGetProperty("mode", out var mode) && mode.ValueKind == JsonValueKind.String && !TextModes.Contains(mode.GetString()!))
            return (null, $"mode '{mode.GetString()}' is not text generation", ignored);

        string? provider = e.TryGetProperty("litellm_provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (string.IsNullOrWhiteSpace(provider))
        {
            int slash = entry.Name.IndexOf('/');
            if (slash <= 0) return (null, "no litellm_provider", ignored);
            provider = entry.Name[..slash];
        }
        string model = entry.Name.StartsWith(provider + "/", StringComparison.OrdinalIgnoreCase) ? entry.Name[(provider.Length + 1)..] : entry.Name;

        var prices = new Dictionary<string, double?>();
        var tiers = new SortedDictionary<int, Dictionary<string, double>>();
        foreach (var prop in e.EnumerateObject())
        {
            bool isBase = BaseKeys.TryGetValue(prop.Name, out var field);
            var tierMatch = isBase ? null : TierKey().Match(prop.Name);
            bool isTier = tierMatch is { Success: true };
            if (!isBase && !isTier)
            {
                if (prop.Name.Contains("cost", StringComparison.Ordinal) || prop.Name == "tiered_pricing") ignored.Add(prop.Name);
                continue;
            }
            if (prop.Value.ValueKind == JsonValueKind.Null) continue; // unknown stays unknown
            if (prop.Value.ValueKind != JsonValueKind.Number || !prop.Value.TryGetDouble(out var perToken))
                return (null, $"{prop.Name} is not a number ({prop.Value.GetRawText()})", ignored);
            if (perToken < 0) return (null, $"{prop.Name} is negative ({perToken})", ignored);
            if (perToken > 1) return (null, $"{prop.Name} {perToken} is over $1 per token: not a per-token price", ignored);
            double perMillion = PerMillion(perToken);
            if (isBase) prices[field!] = perMillion;
            else
            {
                int threshold = checked(int.Parse(tierMatch!.Groups[2].Value) * 1000);
                if (!tiers.TryGetValue(threshold, out var t)) tiers[threshold] = t = [];
                t[tierMatch.Groups[1].Value] = perMillion;
            }
        }
        if (!prices.ContainsKey("input") || !prices.ContainsKey("output"))
            return (null, "no per-token input and output price (priced per second, character or image, or free)", ignored);

        double? Get(string f) => prices.TryGetValue(f, out var v) ? v : null;
        var rate = new ApiRate
        {
            Provider = provider,
            Model = model,
            Input = Get("input"),
            Output = Get("output"),
            CachedInput = Get("cached_input"),
            CacheWrite5m = Get("cache_write_5m"),
            CacheWrite1h = Get("cache_write_1h"),
            Reasoning = Get("reasoning"),
            BatchInput = Get("batch_input"),
            BatchOutput = Get("batch_output"),
            LongContext = tiers.Select(kv => new LongContextTier
            {
                AboveInputTokens = kv.Key,
                Input = kv.Value.TryGetValue("input_cost_per_token", out var i) ? i : null,
                Output = kv.Value.TryGetValue("output_cost_per_token", out var o) ? o : null,
                CachedInput = kv.Value.TryGetValue("cache_read_input_token_cost", out var c) ? c : null,
                CacheWrite5m = kv.Value.TryGetValue("cache_creation_input_token_cost", out var w) ? w : null,
            }).ToList(),
            Seen = seen,
            Source = source,
        };
        return (rate, null, ignored);
    }

    /// <summary>$ per token x 1e6 in decimal, so 3e-06 becomes exactly 3 (not 3.0000000000000004).</summary>
    internal static double PerMillion(double perToken) => (double)((decimal)perToken * 1_000_000m);
}
