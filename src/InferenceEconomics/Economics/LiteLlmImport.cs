using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceEconomics.Economics;

/// <summary>What an import produced: the cards, the entries skipped (and why), per-entry notes, and where the dates came from.</summary>
public sealed record LiteLlmImportResult(IReadOnlyList<ApiRate> Rates, IReadOnlyList<ImportMessage> Skipped, IReadOnlyList<ImportMessage> Notes)
{
    /// <summary>Entries skipped because an earlier entry had the same provider/model with different prices (also in <see cref="Skipped"/>).</summary>
    public IReadOnlyList<ImportMessage> Conflicts => Skipped.Where(s => s.Category == LiteLlmImport.ConflictCategory).ToList();
    /// <summary>How the cards' "seen" dates were set: given, the file's last_updated, per entry, or the fallback.</summary>
    public string SeenSource { get; init; } = "";
}

/// <summary>One entry's message; <see cref="Category"/> groups skip reasons ("mode", "no price keys", ...).</summary>
public sealed record ImportMessage(string Key, string Message)
{
    public string Category { get; init; } = "";
}

/// <summary>
/// Reads LiteLLM's model_prices_and_context_window.json (USD per token) into rate cards (USD per
/// million tokens). Only text-generation entries priced per token are kept; a missing price stays
/// unknown (null), never 0; a $0 entry is kept and flagged; tiered prices become long-context tiers.
/// </summary>
public static partial class LiteLlmImport
{
    public const string ConflictCategory = "conflicting duplicate";

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

    // Per-token prices a tier (an _above_Nk_tokens key or a tiered_pricing entry) can hold.
    private static readonly Dictionary<string, string> TierFields = new()
    {
        ["input_cost_per_token"] = "input",
        ["output_cost_per_token"] = "output",
        ["cache_read_input_token_cost"] = "cached_input",
        ["cache_creation_input_token_cost"] = "cache_write_5m",
        ["cache_creation_input_token_cost_above_1hr"] = "cache_write_1h",
    };

    [GeneratedRegex(@"^(cache_creation_input_token_cost_above_1hr|input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$")]
    private static partial Regex TierKey();

    [GeneratedRegex(@"_per_(second|character|image|pixel|query|request|video|audio|minute|hour|page)|per_image|per_second", RegexOptions.CultureInvariant)]
    private static partial Regex NonTokenPriceKey();

    /// <param name="json">The file's text.</param>
    /// <param name="origin">Its path, for messages and the cards' source.</param>
    /// <param name="fallbackSeen">The "seen" date when neither the entry nor the file says when it was updated (the file's modification date).</param>
    /// <param name="seenOverride">A date the user gave: used for every card.</param>
    public static LiteLlmImportResult Parse(string json, string origin, string fallbackSeen, string? seenOverride = null)
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
            var kept = new Dictionary<string, (string Entry, ApiRate Rate)>(StringComparer.OrdinalIgnoreCase);
            string source = $"LiteLLM model_prices_and_context_window.json (imported from {Path.GetFileName(origin)})";

            // The file's own date, when it carries one, beats its modification time.
            string? fileDate = null;
            if (doc.RootElement.TryGetProperty("last_updated", out var lu) && lu.ValueKind == JsonValueKind.String)
            {
                fileDate = DateOf(lu.GetString());
                if (fileDate is null) notes.Add(new ImportMessage("last_updated", $"'{lu.GetString()}' is not a date: ignored"));
            }
            string seenSource = seenOverride is not null ? $"given: {seenOverride}"
                : fileDate is not null ? $"the file's last_updated: {fileDate}" : $"the file's modification date: {fallbackSeen}";
            bool anyEntryDate = false;

            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "last_updated" && entry.Value.ValueKind == JsonValueKind.String) continue;
                var c = Convert(entry, seenOverride ?? fileDate ?? fallbackSeen, seenOverride is not null, source);
                if (c.Rate is null) { skipped.Add(new ImportMessage(entry.Name, c.Reason!) { Category = c.Category! }); continue; }
                var rate = c.Rate;
                anyEntryDate |= c.EntryDated;
                if (kept.TryGetValue(rate.Key, out var first))
                {
                    var differ = Differences(first.Rate, rate);
                    skipped.Add(differ.Count == 0
                        ? new ImportMessage(entry.Name, $"same provider/model as '{first.Entry}' ({rate.Key}) with the same prices where both state one") { Category = "duplicate" }
                        : new ImportMessage(entry.Name, $"same provider/model as '{first.Entry}' ({rate.Key}) but different prices ({string.Join(", ", differ)}): kept '{first.Entry}'; check which is current")
                            { Category = ConflictCategory });
                    continue;
                }
                kept[rate.Key] = (entry.Name, rate);
                rates.Add(rate);
                foreach (var n in c.Notes) notes.Add(new ImportMessage(entry.Name, n));
            }
            if (anyEntryDate && seenOverride is null) seenSource += "; entries with their own last_updated use it";
            return new LiteLlmImportResult(rates, skipped, notes) { SeenSource = seenSource };
        }
    }

    private sealed record Converted(ApiRate? Rate, string? Reason, string? Category, List<string> Notes, bool EntryDated);

    private static Converted Skip(string reason, string category) => new(null, reason, category, [], false);

    private static Converted Convert(JsonProperty entry, string seen, bool seenGiven, string source)
    {
        var notes = new List<string>();
        if (entry.Name == "sample_spec") return Skip("LiteLLM's field documentation, not a model", "not a model");
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object) return Skip("not an object", "not a model");
        if (e.TryGetProperty("mode", out var mode) && mode.ValueKind == JsonValueKind.String && !TextModes.Contains(mode.GetString()!))
            return Skip($"mode '{mode.GetString()}' is not text generation", "not text generation");

        string? provider = e.TryGetProperty("litellm_provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (string.IsNullOrWhiteSpace(provider))
        {
            int slash = entry.Name.IndexOf('/');
            if (slash <= 0) return Skip("no litellm_provider", "no provider");
            provider = entry.Name[..slash];
        }
        string model = entry.Name.StartsWith(provider + "/", StringComparison.OrdinalIgnoreCase) ? entry.Name[(provider.Length + 1)..] : entry.Name;

        var prices = new Dictionary<string, double>();
        var keyTiers = new SortedDictionary<int, Dictionary<string, double>>();
        var ignored = new List<string>();
        var nonToken = new List<string>();
        JsonElement? tiered = null;
        int? maxIn = null, maxOut = null;
        bool entryDated = false;
        bool anyPriceKey = false;
        foreach (var prop in e.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "tiered_pricing": tiered = prop.Value; anyPriceKey = true; continue;
                case "max_input_tokens": maxIn = TokenCount(prop, notes); continue;
                case "max_output_tokens": maxOut = TokenCount(prop, notes); continue;
                case "last_updated":
                    if (!seenGiven && prop.Value.ValueKind == JsonValueKind.String && DateOf(prop.Value.GetString()) is { } d) { seen = d; entryDated = true; }
                    continue;
            }
            bool isBase = BaseKeys.TryGetValue(prop.Name, out var field);
            var tierMatch = isBase ? null : TierKey().Match(prop.Name);
            bool isTier = tierMatch is { Success: true };
            if (!isBase && !isTier)
            {
                if (prop.Name.Contains("cost", StringComparison.Ordinal))
                {
                    anyPriceKey = true;
                    ignored.Add(prop.Name);
                    if (NonTokenPriceKey().IsMatch(prop.Name)) nonToken.Add(prop.Name);
                }
                continue;
            }
            anyPriceKey = true;
            if (prop.Value.ValueKind == JsonValueKind.Null) continue; // unknown stays unknown
            if (PerMillionOf(prop.Name, prop.Value, out var perMillion) is { } bad) return Skip(bad, "invalid price");
            if (isBase) prices[field!] = perMillion;
            else
            {
                int threshold = checked(int.Parse(tierMatch!.Groups[2].Value, CultureInfo.InvariantCulture) * 1000);
                if (!keyTiers.TryGetValue(threshold, out var t)) keyTiers[threshold] = t = [];
                t[TierFields[tierMatch.Groups[1].Value]] = perMillion;
            }
        }

        // tiered_pricing: [{"range": [from, to|null], per-token prices...}], prompt tokens. A tier from 0 sets the
        // base prices; later tiers replace them above their start (a price a tier lacks is the base one, as
        // LiteLLM bills it); above the last tier's end nothing is priced.
        var rangeTiers = new SortedDictionary<int, Dictionary<string, double>>();
        int? pricedUpTo = null;
        if (tiered is { } tp)
        {
            if (ReadTiers(tp, rangeTiers, out pricedUpTo) is { } bad) return Skip($"tiered_pricing {bad}", "invalid price");
            if (rangeTiers.TryGetValue(0, out var fromZero))
            {
                foreach (var (k, v) in fromZero)
                {
                    if (prices.TryGetValue(k, out var old) && old != v) notes.Add($"tiered_pricing from 0 tokens sets {k} to {v} (the flat key said {old})");
                    prices[k] = v;
                }
                rangeTiers.Remove(0);
            }
        }

        if (!prices.ContainsKey("input") || !prices.ContainsKey("output"))
        {
            if (!anyPriceKey) return Skip("no price keys: unpriced in the source (not free)", "no price keys");
            if (prices.Count == 0 && rangeTiers.Count == 0 && keyTiers.Count == 0 && nonToken.Count > 0)
                return Skip($"priced per second, character, image or request, not per token ({string.Join(", ", nonToken)})", "not priced per token");
            string missing = !prices.ContainsKey("input") && !prices.ContainsKey("output") ? "input and output" : prices.ContainsKey("input") ? "output" : "input";
            return Skip($"no per-token {missing} price ({(ignored.Count > 0 ? "it has " + string.Join(", ", ignored) : "only other per-token keys")})", "incomplete price");
        }

        double? Get(string f) => prices.TryGetValue(f, out var v) ? v : null;
        var tiers = new SortedDictionary<int, LongContextTier>();
        foreach (var (threshold, t) in keyTiers)
            tiers[threshold] = new LongContextTier
            {
                AboveInputTokens = threshold,
                Input = t.TryGetValue("input", out var i) ? i : null,
                Output = t.TryGetValue("output", out var o) ? o : null,
                CachedInput = t.TryGetValue("cached_input", out var c) ? c : null,
                CacheWrite5m = t.TryGetValue("cache_write_5m", out var w) ? w : null,
                CacheWrite1h = t.TryGetValue("cache_write_1h", out var w1) ? w1 : null,
            };
        foreach (var (start, t) in rangeTiers)
        {
            var filled = TierFields.Values.Where(f => !t.ContainsKey(f) && prices.ContainsKey(f)).ToList();
            if (filled.Count > 0) notes.Add($"tiered_pricing above {start:N0} tokens has no {string.Join("/", filled)} price: the base price is used (as LiteLLM bills it)");
            if (tiers.ContainsKey(start)) notes.Add($"tiered_pricing above {start:N0} tokens replaces the _above_{start / 1000}k_tokens keys");
            double? T(string f) => t.TryGetValue(f, out var v) ? v : Get(f);
            tiers[start] = new LongContextTier
            {
                AboveInputTokens = start, Input = T("input"), Output = T("output"), CachedInput = T("cached_input"),
                CacheWrite5m = T("cache_write_5m"), CacheWrite1h = T("cache_write_1h"),
            };
        }
        if (pricedUpTo is { } end && end > 0 && (maxIn is null || end < maxIn) && !tiers.ContainsKey(end))
        {
            tiers[end] = new LongContextTier { AboveInputTokens = end };   // every price unknown past the last tier
            notes.Add($"tiered_pricing ends at {end:N0} prompt tokens: longer prompts are shown as unknown");
        }

        bool zero = prices["input"] == 0 && prices["output"] == 0;
        if (zero) notes.Add("priced $0 in source (preview or local model): kept and flagged, comparisons say so");
        if (ignored.Count > 0) notes.Add($"ignored (not modelled): {string.Join(", ", ignored)}");
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
            LongContext = tiers.Values.ToList(),
            Seen = seen,
            Source = source,
            MaxInputTokens = maxIn,
            MaxOutputTokens = maxOut,
            PricedZeroInSource = zero,
        };
        return new Converted(rate, null, null, notes, entryDated);
    }

    /// <summary>Null when the value is a usable per-token price (out: per million); else the reason.</summary>
    private static string? PerMillionOf(string name, JsonElement value, out double perMillion)
    {
        perMillion = 0;
        double perToken;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d)) perToken = d;
        else if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s)) perToken = s;
        else return $"{name} is not a number ({value.GetRawText()})";
        if (!double.IsFinite(perToken)) return $"{name} is not a finite number";
        if (perToken < 0) return $"{name} is negative ({perToken})";
        if (perToken > ApiRate.MaxPricePerMillion / 1e6) return $"{name} {perToken} is over $1 per token: not a per-token price";
        perMillion = PerMillion(perToken);
        return null;
    }

    private static string? ReadTiers(JsonElement tp, SortedDictionary<int, Dictionary<string, double>> tiers, out int? pricedUpTo)
    {
        pricedUpTo = null;
        if (tp.ValueKind != JsonValueKind.Array) return "is not a list";
        var ranges = new List<(int From, int? To)>();
        foreach (var t in tp.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("range", out var r) || r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 2)
                return "has an entry without a [from, to] range";
            var from = r[0];
            var to = r[1];
            if (from.ValueKind != JsonValueKind.Number || !from.TryGetInt32(out int f) || f < 0) return $"range start {from.GetRawText()} is not a token count";
            int? toValue = null;
            if (to.ValueKind == JsonValueKind.Number && to.TryGetInt32(out int tv) && tv > f) toValue = tv;
            else if (to.ValueKind != JsonValueKind.Null) return $"range end {to.GetRawText()} is not a token count above {f}";
            if (tiers.ContainsKey(f)) return $"has two tiers starting at {f}";
            var fields = new Dictionary<string, double>();
            foreach (var prop in t.EnumerateObject())
            {
                if (prop.Name == "range" || !TierFields.TryGetValue(prop.Name, out var field) || prop.Value.ValueKind == JsonValueKind.Null) continue;
                if (PerMillionOf(prop.Name, prop.Value, out var pm) is { } bad) return bad;
                fields[field] = pm;
            }
            tiers[f] = fields;
            ranges.Add((f, toValue));
        }
        ranges.Sort((a, b) => a.From.CompareTo(b.From));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i - 1].To is not { } prevEnd) return $"has a tier after an open-ended one (from {ranges[i - 1].From})";
            if (prevEnd != ranges[i].From) return $"ranges leave a gap or overlap between {prevEnd} and {ranges[i].From} tokens";
        }
        pricedUpTo = ranges.Count > 0 ? ranges[^1].To : null;
        return null;
    }

    private static int? TokenCount(JsonProperty prop, List<string> notes)
    {
        if (prop.Value.ValueKind == JsonValueKind.Number && prop.Value.TryGetInt32(out int n) && n > 0) return n;
        if (prop.Value.ValueKind != JsonValueKind.Null) notes.Add($"{prop.Name} {prop.Value.GetRawText()} is not a token count: ignored");
        return null;
    }

    /// <summary>"2026-07-24" from "2026-07-24", "2026-07-24T10:00:00Z" and the like; null when not a date.</summary>
    internal static string? DateOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        if (t.Length >= 10 && DateOnly.TryParseExact(t[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt) ? dt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Prices both cards state and that differ, as "input 0.15 vs 0.2" (per million tokens).</summary>
    private static List<string> Differences(ApiRate kept, ApiRate other)
    {
        static IEnumerable<(string Name, double? Value)> Fields(ApiRate r)
        {
            yield return ("input", r.Input); yield return ("output", r.Output); yield return ("cached input", r.CachedInput);
            yield return ("cache write 5m", r.CacheWrite5m); yield return ("cache write 1h", r.CacheWrite1h); yield return ("reasoning", r.Reasoning);
            yield return ("batch input", r.BatchInput); yield return ("batch output", r.BatchOutput);
            foreach (var t in r.LongContext)
            {
                yield return ($"input above {t.AboveInputTokens}", t.Input);
                yield return ($"output above {t.AboveInputTokens}", t.Output);
            }
        }
        var theirs = Fields(other).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value);
        var list = new List<string>();
        foreach (var (name, value) in Fields(kept))
            if (value is { } a && theirs.TryGetValue(name, out var b) && b is { } bb && a != bb)
                list.Add($"{name} {a.ToString("0.######", CultureInfo.InvariantCulture)} vs {bb.ToString("0.######", CultureInfo.InvariantCulture)}");
        return list;
    }

    /// <summary>$ per token x 1e6 in decimal, so 3e-06 becomes exactly 3 (not 3.0000000000000004).</summary>
    internal static double PerMillion(double perToken) => (double)((decimal)perToken * 1_000_000m);
}
