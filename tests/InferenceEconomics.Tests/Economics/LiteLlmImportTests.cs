using InferenceEconomics.Hardware;
using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

public class LiteLlmImportTests
{
    // Hand-written in the shape of LiteLLM's model_prices_and_context_window.json: USD per token.
    public const string Sample = """
        {
          "sample_spec": {"max_tokens": "LEGACY", "input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "chat"},
          "gpt-4o-mini": {"max_input_tokens": 128000, "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07,
            "cache_read_input_token_cost": 7.5e-08, "input_cost_per_token_batches": 7.5e-08, "output_cost_per_token_batches": 3e-07,
            "input_cost_per_token_priority": 2.5e-07, "litellm_provider": "openai", "mode": "chat"},
          "claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
            "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
            "cache_read_input_token_cost_above_200k_tokens": 6e-07, "litellm_provider": "anthropic", "mode": "chat"},
          "gemini/gemini-2.5-pro": {"input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05,
            "input_cost_per_token_above_200k_tokens": 2.5e-06, "output_cost_per_token_above_200k_tokens": 1.5e-05,
            "litellm_provider": "gemini", "mode": "chat"},
          "o3": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "output_cost_per_reasoning_token": 8e-06,
            "cache_read_input_token_cost": 5e-07, "litellm_provider": "openai", "mode": "responses"},
          "groq/llama-3.1-8b-instant": {"input_cost_per_token": 5e-08, "output_cost_per_token": 8e-08, "litellm_provider": "groq", "mode": "chat"},
          "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0, "litellm_provider": "openai", "mode": "embedding"},
          "dall-e-3": {"output_cost_per_image": 0.04, "litellm_provider": "openai", "mode": "image_generation"},
          "bad-model": {"input_cost_per_token": "cheap", "output_cost_per_token": 1e-06, "litellm_provider": "acme", "mode": "chat"},
          "per-second-model": {"input_cost_per_second": 0.0001, "output_cost_per_second": 0.0001, "litellm_provider": "sagemaker", "mode": "chat"},
          "openai/gpt-4o-mini": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07, "litellm_provider": "openai", "mode": "chat"}
        }
        """;

    private static LiteLlmImportResult Import() => LiteLlmImport.Parse(Sample, "model_prices_and_context_window.json", "2026-07-24");

    [Fact]
    public void Keeps_text_models_priced_per_token_and_converts_to_per_million()
    {
        var r = Import();
        Assert.Equal(["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-pro", "openai/o3", "groq/llama-3.1-8b-instant"],
            r.Rates.Select(x => x.Key));
        var mini = r.Rates[0];
        // 1.5e-07 $/token x 1e6 = $0.15/M, exactly (no binary noise).
        Assert.Equal((0.15, 0.6, 0.075, 0.075, 0.3), (mini.Input!.Value, mini.Output!.Value, mini.CachedInput!.Value, mini.BatchInput!.Value, mini.BatchOutput!.Value));
        Assert.Null(mini.CacheWrite5m);
        Assert.Equal("2026-07-24", mini.Seen);
        Assert.Contains("LiteLLM", mini.Source);
    }

    [Fact]
    public void Tiers_and_cache_keys_map_and_missing_batch_prices_stay_unknown()
    {
        var r = Import().Rates;
        var sonnet = r[1];
        Assert.Equal((3.0, 15.0, 0.3, 3.75, 6.0), (sonnet.Input!.Value, sonnet.Output!.Value, sonnet.CachedInput!.Value, sonnet.CacheWrite5m!.Value, sonnet.CacheWrite1h!.Value));
        var tier = Assert.Single(sonnet.LongContext);
        Assert.Equal((200_000, 6.0, 22.5, 0.6), (tier.AboveInputTokens, tier.Input!.Value, tier.Output!.Value, tier.CachedInput!.Value));
        Assert.Null(sonnet.BatchInput);
        Assert.Null(sonnet.BatchOutput);

        var gemini = r[2];
        Assert.Equal("gemini-2.5-pro", gemini.Model);  // the "gemini/" prefix is the provider
        Assert.Null(gemini.BatchInput);
        Assert.Null(gemini.CachedInput);
        Assert.Equal((2.5, 15.0), (gemini.LongContext[0].Input!.Value, gemini.LongContext[0].Output!.Value));
        Assert.Equal(8.0, r[3].Reasoning);
        Assert.Equal((0.05, 0.08), (r[4].Input!.Value, r[4].Output!.Value));
    }

    [Fact]
    public void Reports_every_skipped_entry_with_its_reason()
    {
        var skipped = Import().Skipped.ToDictionary(s => s.Key, s => s.Message);
        Assert.Equal(6, skipped.Count);
        Assert.Contains("documentation", skipped["sample_spec"]);
        Assert.Contains("embedding", skipped["text-embedding-3-small"]);
        Assert.Contains("image_generation", skipped["dall-e-3"]);
        Assert.Contains("not a number", skipped["bad-model"]);
        Assert.Contains("priced per second, character, image or request, not per token (input_cost_per_second, output_cost_per_second)", skipped["per-second-model"]);
        Assert.Contains("same provider/model as 'gpt-4o-mini' (openai/gpt-4o-mini) with the same prices where both state one", skipped["openai/gpt-4o-mini"]);
        var note = Assert.Single(Import().Notes);
        Assert.Contains("input_cost_per_token_priority", note.Message);
    }

    [Fact]
    public void Imported_cards_price_requests_like_the_hand_computation()
    {
        var cards = RateCards.Parse(RateCards.Serialize(Import().Rates), "imported.json");
        // Sonnet above 200k: 240,000 uncached x 6 + 10,000 cached x 0.6 + 2,000 out x 22.5 = 1,440,000 + 6,000 + 45,000 = 1,491,000 / 1e6.
        var longReq = ApiCost.PerRequest(cards.Find("claude-sonnet-4-5"), new WorkloadSpec("long", 250_000, 10_000, 2000, 0), false);
        Assert.Equal(1.491, longReq.Dollars!.Value, 10);
        // o3: 1,000 x 2 + 500 out x 8 + 1,500 reasoning x 8 = 2,000 + 4,000 + 12,000 = 18,000 / 1e6.
        Assert.Equal(0.018, ApiCost.PerRequest(cards.Find("o3"), new WorkloadSpec("r", 1000, 0, 500, 1500), false).Dollars!.Value, 12);
        // Gemini with --batch-api: no batch price in the file, so unknown.
        Assert.Null(ApiCost.PerRequest(cards.Find("gemini-2.5-pro"), new WorkloadSpec("w", 1000, 0, 100, 0), true).Dollars);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => LiteLlmImport.Parse("{\n \"a\": {\"input_cost_per_token\": 1e-6,,}\n}", "broken.json", "2026-01-01"));
        Assert.Equal(ErrorKind.PriceInvalid, e.Kind);
        Assert.Contains("line 2", e.Message);
        var notObject = Assert.Throws<InferenceEconomicsException>(() => LiteLlmImport.Parse("[1, 2]", "list.json", "2026-01-01"));
        Assert.Equal(ErrorKind.PriceInvalid, notObject.Kind);
    }

    // Hand-written: one entry per gap of the importer (tiered prices, unpriced, $0, conflicting duplicates,
    // 1-hour cache writes above the long-context threshold, context limits, dates).
    public const string Gaps = """
        {
          "last_updated": "2026-08-01",
          "qwen-tiered": {"litellm_provider": "dashscope", "mode": "chat", "max_input_tokens": 1000000,
            "tiered_pricing": [
              {"range": [0, 256000], "input_cost_per_token": 5e-08, "output_cost_per_token": 4e-07},
              {"range": [256000, 1000000], "input_cost_per_token": 2.5e-07}
            ]},
          "unpriced-model": {"litellm_provider": "acme", "mode": "chat", "max_input_tokens": 8192},
          "ollama/llama3": {"litellm_provider": "ollama", "mode": "chat", "input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "max_input_tokens": 8192},
          "dup-model": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
          "acme/dup-model": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1.5e-06, "output_cost_per_token": 2e-06},
          "claude-long": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
            "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
            "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06, "cache_creation_input_token_cost_above_1hr_above_200k_tokens": 1.2e-05,
            "max_input_tokens": 1000000, "max_output_tokens": 64000},
          "small-context": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07,
            "max_input_tokens": 128000, "max_output_tokens": 16384},
          "dated-model": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06, "last_updated": "2026-09-15T12:00:00Z"}
        }
        """;

    private static LiteLlmImportResult ImportGaps(string? seen = null) => LiteLlmImport.Parse(Gaps, "gaps.json", "2026-01-01", seen);

    [Fact]
    public void Entries_priced_only_in_tiered_pricing_are_imported_with_their_tiers()
    {
        var qwen = ImportGaps().Rates.Single(r => r.Key == "dashscope/qwen-tiered");
        // The tier from 0 is the base: 5e-08 and 4e-07 per token = $0.05 and $0.40 per million.
        Assert.Equal((0.05, 0.4), (qwen.Input!.Value, qwen.Output!.Value));
        var tier = Assert.Single(qwen.LongContext);
        // Above 256k the input is $0.25/M; the tier names no output price, so the base $0.40 applies (as LiteLLM bills it).
        Assert.Equal((256_000, 0.25, 0.4), (tier.AboveInputTokens, tier.Input!.Value, tier.Output!.Value));
        Assert.Contains(ImportGaps().Notes, n => n.Key == "qwen-tiered" && n.Message.Contains("the base price is used"));
        // 300,000 in x 0.25 + 1,000 out x 0.40 = 75,000 + 400 = 75,400 / 1e6.
        Assert.Equal(0.0754, ApiCost.PerRequest(qwen, new WorkloadSpec("long", 300_000, 0, 1000, 0), false).Dollars!.Value, 12);
    }

    [Fact]
    public void No_price_keys_is_unpriced_not_free()
    {
        var skipped = ImportGaps().Skipped.Single(s => s.Key == "unpriced-model");
        Assert.Equal("no price keys: unpriced in the source (not free)", skipped.Message);
        Assert.Equal("no price keys", skipped.Category);
        Assert.DoesNotContain("free,", skipped.Message);
    }

    [Fact]
    public void Cards_priced_zero_in_source_are_kept_flagged_and_comparisons_say_so()
    {
        var result = ImportGaps();
        var ollama = result.Rates.Single(r => r.Key == "ollama/llama3");
        Assert.True(ollama.PricedZeroInSource);
        Assert.Equal((0.0, 0.0), (ollama.Input!.Value, ollama.Output!.Value));
        // Through the rate-card file format and into a comparison: flagged, not "self-hosting never becomes cheaper".
        var cards = RateCards.Parse(RateCards.Serialize(result.Rates), "imported.json");
        var c = CostAnalyzer.Analyze(TestRuns.Run(), new CostRequest
        {
            Machine = new MachinePricing { PricePerHour = 2 }, Workload = new WorkloadSpec("w", 1024, 0, 1024, 0), RequestsPerDay = 1000, Vs = ["ollama/llama3"],
        }, cards, HardwareCatalog.BuiltIn());
        var line = Assert.Single(c.Api);
        Assert.True(line.PricedZeroInSource);
        Assert.Contains(line.Notes, n => n.StartsWith("priced $0 in source"));
        Assert.DoesNotContain(line.Notes, n => n.Contains("never becomes cheaper"));
        Assert.Contains("priced $0 in source", InferenceEconomics.Reporting.CostMarkdown.Render(c));
        // A card claiming the flag with a real price is refused.
        var bad = RateCards.Serialize([ollama with { Input = 1.0 }]);
        Assert.Equal(ErrorKind.PriceInvalid, Assert.Throws<InferenceEconomicsException>(() => RateCards.Parse(bad, "bad.json")).Kind);
    }

    [Fact]
    public void Conflicting_duplicates_are_reported()
    {
        var conflict = Assert.Single(ImportGaps().Conflicts);
        Assert.Equal("acme/dup-model", conflict.Key);
        Assert.Contains("different prices (input 1 vs 1.5)", conflict.Message);
        Assert.Contains("kept 'dup-model'", conflict.Message);
        Assert.Equal(1.0, ImportGaps().Rates.Single(r => r.Key == "acme/dup-model").Input);
    }

    [Fact]
    public void One_hour_cache_writes_above_the_long_context_threshold_are_imported_and_billed()
    {
        var claude = ImportGaps().Rates.Single(r => r.Key == "anthropic/claude-long");
        var tier = Assert.Single(claude.LongContext);
        Assert.Equal((7.5, 12.0), (tier.CacheWrite5m!.Value, tier.CacheWrite1h!.Value));
        // 250,000 in (10,000 written to a 1-hour cache) + 1,000 out, above 200k: 240,000 x 6 + 10,000 x 12 + 1,000 x 22.5
        // = 1,440,000 + 120,000 + 22,500 = 1,582,500 / 1e6 (not 10,000 x 6 at the input price).
        var w = new WorkloadSpec("long", 250_000, 0, 1000, 0) { CacheWriteTokens = 10_000, CacheWriteOneHour = true };
        var cost = ApiCost.PerRequest(claude, w, false);
        Assert.Equal(1.5825, cost.Dollars!.Value, 12);
        Assert.DoesNotContain(cost.Notes, n => n.Contains("billed as input"));
    }

    [Fact]
    public void A_request_beyond_the_cards_context_exceeds_context_and_is_never_priced()
    {
        var small = ImportGaps().Rates.Single(r => r.Key == "openai/small-context");
        Assert.Equal((128_000, 16_384), (small.MaxInputTokens!.Value, small.MaxOutputTokens!.Value));
        var tooLong = ApiCost.PerRequest(small, new WorkloadSpec("long", 250_000, 0, 1000, 0), false);
        Assert.True(tooLong.ExceedsContext);
        Assert.Null(tooLong.Dollars);
        Assert.Contains("exceeds context: 250,000 input tokens, the card allows 128,000", tooLong.Notes);
        Assert.True(ApiCost.PerRequest(small, new WorkloadSpec("out", 1000, 0, 20_000, 0), false).ExceedsContext);
        Assert.Equal(0.00021, ApiCost.PerRequest(small, new WorkloadSpec("fits", 1000, 0, 100, 0), false).Dollars!.Value, 12);   // 150 + 60 / 1e6
    }

    [Fact]
    public void Last_updated_dates_the_cards()
    {
        var r = ImportGaps();
        Assert.Equal("2026-08-01", r.Rates.Single(x => x.Key == "anthropic/claude-long").Seen);   // the file's last_updated, not its fallback
        Assert.Equal("2026-09-15", r.Rates.Single(x => x.Key == "acme/dated-model").Seen);        // the entry's own
        Assert.Contains("the file's last_updated: 2026-08-01", r.SeenSource);
        Assert.DoesNotContain(r.Skipped, s => s.Key == "last_updated");
        // Without last_updated the fallback (the file's modification date) is used; a date the user gives wins over all.
        Assert.Equal("2026-07-24", Import().Rates[0].Seen);
        Assert.All(ImportGaps("2026-10-10").Rates, x => Assert.Equal("2026-10-10", x.Seen));
    }
}
