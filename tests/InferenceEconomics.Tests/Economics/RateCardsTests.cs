using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

public class RateCardsTests
{
    // The 24 rows of shared/reference/prices.md (deepseek-chat / deepseek-reasoner share a row: 25 cards).
    public static readonly string[] PricesMdModels =
    [
        "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano",
        "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5", "claude-opus-4-1", "gemini-2.5-pro", "gemini-2.5-flash",
        "gemini-2.5-flash-lite", "deepseek-chat", "deepseek-reasoner", "mistral-large-latest", "mistral-small-latest",
        "together/Llama-3.3-70B-Turbo", "together/Llama-3.1-8B-Turbo", "groq/llama-3.3-70b-versatile", "groq/llama-3.1-8b-instant", "bedrock/llama3-3-70b",
    ];

    [Fact]
    public void Built_in_cards_hold_every_model_of_prices_md_with_date_and_source()
    {
        var cards = RateCards.BuiltIn();
        foreach (var name in PricesMdModels)
        {
            var r = cards.Find(name);
            Assert.False(string.IsNullOrWhiteSpace(r.Seen), name);
            Assert.False(string.IsNullOrWhiteSpace(r.Source), name);
            Assert.True(r.Input > 0 && r.Output > 0, name);
        }
        Assert.True(cards.Rates.Count >= 24);
    }

    [Fact]
    public void Spot_check_figures_against_prices_md()
    {
        var c = RateCards.BuiltIn();
        var sonnet = c.Find("claude-sonnet-4-5");
        Assert.Equal((3.00, 15.00, 0.30, 3.75, 6.00), (sonnet.Input!.Value, sonnet.Output!.Value, sonnet.CachedInput!.Value, sonnet.CacheWrite5m!.Value, sonnet.CacheWrite1h!.Value));
        Assert.Equal(200_000, Assert.Single(sonnet.LongContext).AboveInputTokens);
        Assert.Null(sonnet.BatchInput);   // "unknown" in prices.md: never 0
        var mini = c.Find("gpt-4o-mini");
        Assert.Equal((0.075, 0.30), (mini.BatchInput!.Value, mini.BatchOutput!.Value));
        Assert.Null(c.Find("mistral-large-latest").CachedInput);
        Assert.Equal(0, c.Find("deepseek-chat").CacheWrite5m);  // prices.md says 0 explicitly
    }

    [Fact]
    public void Names_work_with_or_without_provider_and_in_any_case()
    {
        var c = RateCards.BuiltIn();
        Assert.Same(c.Find("openai/gpt-4o-mini"), c.Find("gpt-4o-mini"));
        Assert.Same(c.Find("GPT-4o-Mini"), c.Find("gpt-4o-mini"));
        Assert.Equal("groq", c.Find("llama-3.1-8b-instant").Provider);
    }

    [Fact]
    public void Unknown_model_suggests_close_names()
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => RateCards.BuiltIn().Find("gpt-4o-mnii"));
        Assert.Equal(ErrorKind.UnknownName, e.Kind);
        Assert.Contains("gpt-4o-mini", e.Message);
    }

    [Fact]
    public void Ambiguous_bare_model_names_ask_for_the_provider()
    {
        var json = """
            {"format": "inference-economics/rates", "version": 1, "rates": [
              {"provider": "openai", "model": "gpt-4o", "input": 2.5, "output": 10, "seen": "2026-07-24", "source": "t"},
              {"provider": "azure", "model": "gpt-4o", "input": 2.75, "output": 11, "seen": "2026-07-24", "source": "t"}]}
            """;
        var c = RateCards.Parse(json, "test.json");
        var e = Assert.Throws<InferenceEconomicsException>(() => c.Find("gpt-4o"));
        Assert.Equal(ErrorKind.UnknownName, e.Kind);
        Assert.Contains("azure/gpt-4o", e.Message);
        Assert.Equal(2.75, c.Find("azure/gpt-4o").Input);
    }

    [Fact]
    public void A_syntax_error_names_the_line()
    {
        var json = "{\n  \"format\": \"inference-economics/rates\",\n  \"version\": 1,\n  \"rates\": [\n    {\"provider\": \"x\" \"model\": \"y\"}\n  ]\n}";
        var e = Assert.Throws<InferenceEconomicsException>(() => RateCards.Parse(json, "mine.json"));
        Assert.Equal(ErrorKind.PriceInvalid, e.Kind);
        Assert.Contains("mine.json", e.Message);
        Assert.Contains("line 5", e.Message);
    }

    [Fact]
    public void A_non_numeric_price_names_the_line()
    {
        var json = "{\"format\": \"inference-economics/rates\", \"version\": 1, \"rates\": [\n{\"provider\": \"x\", \"model\": \"y\",\n \"input\": \"cheap\", \"output\": 1, \"seen\": \"2026\", \"source\": \"s\"}]}";
        var e = Assert.Throws<InferenceEconomicsException>(() => RateCards.Parse(json, "mine.json"));
        Assert.Equal(ErrorKind.PriceInvalid, e.Kind);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void A_negative_price_names_the_entry_and_field()
    {
        var json = """
            {"format": "inference-economics/rates", "version": 1, "rates": [
              {"provider": "x", "model": "ok", "input": 1, "output": 1, "seen": "2026", "source": "s"},
              {"provider": "x", "model": "bad", "input": 1, "output": 1, "batch_output": -0.5, "seen": "2026", "source": "s"}]}
            """;
        var e = Assert.Throws<InferenceEconomicsException>(() => RateCards.Parse(json, "mine.json"));
        Assert.Equal(ErrorKind.PriceInvalid, e.Kind);
        Assert.Contains("rate 2 (x/bad)", e.Message);
        Assert.Contains("batch_output", e.Message);
    }

    [Fact]
    public void A_misspelt_field_or_missing_date_is_rejected()
    {
        var typo = """{"format": "inference-economics/rates", "version": 1, "rates": [{"provider": "x", "model": "y", "inptu": 1, "seen": "2026", "source": "s"}]}""";
        Assert.Equal(ErrorKind.PriceInvalid, Assert.Throws<InferenceEconomicsException>(() => RateCards.Parse(typo, "t")).Kind);
        var noDate = """{"format": "inference-economics/rates", "version": 1, "rates": [{"provider": "x", "model": "y", "input": 1, "source": "s"}]}""";
        Assert.Equal(ErrorKind.PriceInvalid, Assert.Throws<InferenceEconomicsException>(() => RateCards.Parse(noDate, "t")).Kind);
    }

    [Fact]
    public void Serialize_then_parse_keeps_every_field_including_unknowns()
    {
        var before = RateCards.BuiltIn().Rates;
        var after = RateCards.Parse(RateCards.Serialize(before), "roundtrip").Rates;
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i] with { LongContext = [] }, after[i] with { LongContext = [] });
            Assert.Equal(before[i].LongContext, after[i].LongContext);
        }
    }
}
