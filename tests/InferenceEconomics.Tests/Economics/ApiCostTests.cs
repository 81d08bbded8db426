using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

// Every expected value is worked out by hand in the comment beside it (tokens x $/M / 1e6).
public class ApiCostTests
{
    private static ApiRate Card(double input, double output) => new() { Provider = "p", Model = "m", Input = input, Output = output, Seen = "2026-07-24", Source = "test" };

    [Fact]
    public void Worked_example_2000_in_500_out_1500_reasoning_costs_0_0360()
    {
        // 2,000 x $3/M = 0.006; 500 x $15/M = 0.0075; 1,500 reasoning x $15/M (output price) = 0.0225; total 0.0360.
        var cost = ApiCost.PerRequest(Card(3, 15), new WorkloadSpec("w", 2000, 0, 500, 1500), batch: false);
        Assert.Equal(0.0360, cost.Dollars!.Value, 12);
        Assert.Contains(cost.Notes, n => n.Contains("output price"));
    }

    [Fact]
    public void A_separate_reasoning_price_is_used_when_the_card_has_one()
    {
        // 2,000 x 3 + 500 x 15 + 1,500 x 10 = 6,000 + 7,500 + 15,000 = 28,500 / 1e6.
        var cost = ApiCost.PerRequest(Card(3, 15) with { Reasoning = 10 }, new WorkloadSpec("w", 2000, 0, 500, 1500), false);
        Assert.Equal(0.0285, cost.Dollars!.Value, 12);
    }

    [Fact]
    public void Cached_input_is_billed_at_the_cache_read_price()
    {
        // claude-sonnet-4-5 (built-in): 500 uncached x 3 + 2,000 cached x 0.30 + 300 out x 15 = 1,500 + 600 + 4,500 = 6,600 / 1e6.
        var rate = RateCards.BuiltIn().Find("claude-sonnet-4-5");
        var cost = ApiCost.PerRequest(rate, new WorkloadSpec("support", 2500, 2000, 300, 0), false);
        Assert.Equal(0.0066, cost.Dollars!.Value, 12);
    }

    [Fact]
    public void Batch_prices_apply_where_the_card_has_them_and_are_unknown_otherwise()
    {
        // gpt-4o-mini batch: 1,000 in x 0.075 + 1,000 out x 0.30 = 75 + 300 = 375 / 1e6.
        var cards = RateCards.BuiltIn();
        var batch = ApiCost.PerRequest(cards.Find("gpt-4o-mini"), new WorkloadSpec("w", 1000, 0, 1000, 0), batch: true);
        Assert.Equal(0.000375, batch.Dollars!.Value, 12);
        // With a cached prefix: 700 x 0.075 + 300 cached x 0.075 (cached price; no batch cached price exists) + 1,000 x 0.30 = 52.5 + 22.5 + 300 = 375.
        var batchCached = ApiCost.PerRequest(cards.Find("gpt-4o-mini"), new WorkloadSpec("w", 1000, 300, 1000, 0), batch: true);
        Assert.Equal(0.000375, batchCached.Dollars!.Value, 12);
        // gpt-4o: 700 x 1.25 + 300 x 1.25 (cached) + 1,000 x 5 = 875 + 375 + 5,000 = 6,250; without batch: 700 x 2.5 + 300 x 1.25 + 1,000 x 10 = 12,125.
        Assert.Equal(0.00625, ApiCost.PerRequest(cards.Find("gpt-4o"), new WorkloadSpec("w", 1000, 300, 1000, 0), true).Dollars!.Value, 12);
        Assert.Equal(0.012125, ApiCost.PerRequest(cards.Find("gpt-4o"), new WorkloadSpec("w", 1000, 300, 1000, 0), false).Dollars!.Value, 12);
        // o3 has no batch price on its card: unknown, never 0 or the base price.
        var unknown = ApiCost.PerRequest(cards.Find("o3"), new WorkloadSpec("w", 1000, 0, 1000, 0), batch: true);
        Assert.Null(unknown.Dollars);
        Assert.Contains(unknown.Notes, n => n.Contains("no batch price"));
    }

    [Fact]
    public void A_long_context_tier_replaces_the_base_rate_for_the_whole_request()
    {
        var rate = RateCards.BuiltIn().Find("anthropic/claude-sonnet-4-5");
        // 250,000 in x $6 + 1,000 out x $22.50 = 1,500,000 + 22,500 = 1,522,500 / 1e6 (all tokens at the tier price).
        var above = ApiCost.PerRequest(rate, new WorkloadSpec("long", 250_000, 0, 1000, 0), false);
        Assert.Equal(1.5225, above.Dollars!.Value, 10);
        // Exactly 200,000 is not above the threshold: 200,000 x 3 + 1,000 x 15 = 615,000 / 1e6.
        var at = ApiCost.PerRequest(rate, new WorkloadSpec("long", 200_000, 0, 1000, 0), false);
        Assert.Equal(0.615, at.Dollars!.Value, 10);
    }

    [Fact]
    public void Cache_writes_use_the_5_minute_or_1_hour_price()
    {
        // claude-haiku-4-5: 200 plain x 1 + 800 written x 1.25 + 100 out x 5 = 200 + 1,000 + 500 = 1,700 / 1e6.
        var rate = RateCards.BuiltIn().Find("claude-haiku-4-5");
        var w = new WorkloadSpec("w", 1000, 0, 100, 0) { CacheWriteTokens = 800 };
        Assert.Equal(0.0017, ApiCost.PerRequest(rate, w, false).Dollars!.Value, 12);
        // 1 hour: 200 + 800 x 2 + 500 = 2,300 / 1e6.
        Assert.Equal(0.0023, ApiCost.PerRequest(rate, w with { CacheWriteOneHour = true }, false).Dollars!.Value, 12);
    }

    [Fact]
    public void Without_a_cache_price_cached_tokens_are_billed_as_input_and_say_so()
    {
        // mistral-small-latest has no cached price: 1,000 in x 0.06 + 1,000 out x 0.18 = 60 + 180 = 240 / 1e6.
        var cost = ApiCost.PerRequest(RateCards.BuiltIn().Find("mistral-small-latest"), new WorkloadSpec("w", 1000, 300, 1000, 0), false);
        Assert.Equal(0.00024, cost.Dollars!.Value, 12);
        Assert.Contains(cost.Notes, n => n.Contains("cached tokens billed as input"));
    }

    [Fact]
    public void An_unknown_input_or_output_price_makes_the_request_unknown()
    {
        var cost = ApiCost.PerRequest(Card(3, 15) with { Output = null }, new WorkloadSpec("w", 100, 0, 100, 0), false);
        Assert.Null(cost.Dollars);
        Assert.Contains(cost.Notes, n => n.Contains("output price unknown"));
        var tierUnknown = Card(1, 2) with { LongContext = [new LongContextTier { AboveInputTokens = 1000, Input = 2, Output = null }] };
        Assert.Null(ApiCost.PerRequest(tierUnknown, new WorkloadSpec("w", 5000, 0, 10, 0), false).Dollars);
    }

    [Fact]
    public void Blended_price_is_three_to_one()
    {
        // (3 x 2.5 + 10) / 4 = 17.5 / 4 = 4.375.
        Assert.Equal(4.375, RateCards.BuiltIn().Find("gpt-4o").Blended!.Value, 12);
    }
}
