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
        Assert.Contains("no per-token", skipped["per-second-model"]);
        Assert.Contains("same provider/model as 'gpt-4o-mini'", skipped["openai/gpt-4o-mini"]);
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
}
