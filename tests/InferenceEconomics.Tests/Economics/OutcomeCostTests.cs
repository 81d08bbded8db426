using InferenceEconomics.Economics;
using InferenceEconomics.Hardware;

namespace InferenceEconomics.Tests.Economics;

/// <summary>Cost per conversation and per completed task, worked out by hand (docs/economics.md "Conversations", "Agent tasks").</summary>
public class OutcomeCostTests
{
    // $3/M input, $15/M output, $0.30/M cache read, $3.75/M 5-minute cache write (the shape of Anthropic's cards).
    private static readonly ApiRate Cached = new()
    {
        Provider = "p", Model = "cached", Input = 3, Output = 15, CachedInput = 0.3, CacheWrite5m = 3.75, Seen = "2026-01-01", Source = "test",
    };

    // No cache prices at all: history is billed as plain input (and says so).
    private static readonly ApiRate Plain = new() { Provider = "p", Model = "plain", Input = 3, Output = 15, Seen = "2026-01-01", Source = "test" };

    /// <summary>System 1,000; five turns of 100 user / 200 assistant tokens; turn 3 adds 500 retrieved tokens; a minute apart.</summary>
    private static WorkloadDefinition FiveTurns(double spacing = 60) => new()
    {
        Name = "five",
        Conversation = new ConversationShape
        {
            SystemPromptTokens = 1000, TurnSpacingSeconds = spacing,
            Turns =
            [
                new TurnShape { UserTokens = 100, AssistantTokens = 200 },
                new TurnShape { UserTokens = 100, AssistantTokens = 200 },
                new TurnShape { UserTokens = 100, RetrievedTokens = 500, AssistantTokens = 200 },
                new TurnShape { UserTokens = 100, AssistantTokens = 200 },
                new TurnShape { UserTokens = 100, AssistantTokens = 200 },
            ],
        },
    };

    [Fact]
    public void Five_turn_contexts_resend_the_history()
    {
        // context_1 = 1000 + 100 = 1100; context_2 = 1100 + 200 + 100 = 1400; context_3 = 1400 + 200 + 100 + 500 = 2200;
        // context_4 = 2200 + 200 + 100 = 2500; context_5 = 2500 + 200 + 100 = 2800. History_i = context_(i-1) + 200.
        var turns = ConversationMath.Turns(FiveTurns().Conversation!);
        Assert.Equal([1100, 1400, 2200, 2500, 2800], turns.Select(t => t.ContextTokens));
        Assert.Equal([0, 1300, 1600, 2400, 2700], turns.Select(t => t.HistoryTokens));
        Assert.Equal([1100, 100, 600, 100, 100], turns.Select(t => t.NewTokens));
    }

    [Fact]
    public void Five_turn_conversation_on_a_card_with_cache_reads_and_writes()
    {
        var c = Price(FiveTurns(), [Cached, Plain]);
        var api = c.Api.Single(a => a.Model == "cached");
        // With caching (dollars x 1e6):
        // turn 1: write 1100 x 3.75 = 4125, out 200 x 15 = 3000                        -> 7125
        // turn 2: read 1100 x 0.3 = 330, write (1400 - 1100) 300 x 3.75 = 1125, out 3000 -> 4455
        // turn 3: read 1400 x 0.3 = 420, write 800 x 3.75 = 3000, out 3000             -> 6420
        // turn 4: read 2200 x 0.3 = 660, write 300 x 3.75 = 1125, out 3000             -> 4785
        // turn 5: read 2500 x 0.3 = 750, write 300 x 3.75 = 1125, out 3000             -> 4875
        double[] cached = [7125e-6, 4455e-6, 6420e-6, 4785e-6, 4875e-6];
        for (int i = 0; i < 5; i++) Assert.Equal(cached[i], api.CachedDollars[i]!.Value, 12);
        Assert.Equal(27660e-6, api.CachedTotal!.Value, 12);
        // Without caching: (context x 3 + 3000): 6300, 7200, 9600, 10500, 11400 -> 45000.
        double[] plain = [6300e-6, 7200e-6, 9600e-6, 10500e-6, 11400e-6];
        for (int i = 0; i < 5; i++) Assert.Equal(plain[i], api.UncachedDollars[i]!.Value, 12);
        Assert.Equal(45000e-6, api.UncachedTotal!.Value, 12);

        // A card with no cache price bills reads and writes as input: the same as no caching, labelled.
        var plainCard = c.Api.Single(a => a.Model == "plain");
        Assert.Equal(45000e-6, plainCard.CachedTotal!.Value, 12);
        Assert.Contains(plainCard.Notes, n => n.Contains("no cached-input price", StringComparison.Ordinal));
        Assert.Contains(plainCard.Notes, n => n.Contains("cache-write price", StringComparison.Ordinal));
    }

    [Fact]
    public void Turns_further_apart_than_the_cache_lifetime_write_the_whole_prompt_again()
    {
        var labels = new List<string>();
        var c = Price(FiveTurns(spacing: 600), [Cached], labels);
        // 600 s > the 300 s default lifetime: turn 2 writes all 1400 tokens: 1400 x 3.75 = 5250 + 3000 = 8250.
        Assert.Equal(8250e-6, c.Api[0].CachedDollars[1]!.Value, 12);
        Assert.Equal(300, ConversationMath.DefaultCacheTtlSeconds);
        Assert.Contains(labels, l => l.Contains("longer than the 300 s cache lifetime", StringComparison.Ordinal));
        // With the 1-hour lifetime (--cache-ttl 1h) the history is read again; the card has no 1-hour write price: billed as input.
        var hour = Price(FiveTurns(spacing: 600), [Cached], oneHour: true);
        // turn 2: read 1100 x 0.3 = 330, write 300 x 3 (input price) = 900, out 3000 -> 4230.
        Assert.Equal(4230e-6, hour.Api[0].CachedDollars[1]!.Value, 12);
    }

    [Fact]
    public void Self_hosted_per_turn_cost_from_a_measured_prompt_length_sweep()
    {
        // Batch 1 scenarios measured at exactly the five context lengths: prefill = P / 10,000 s, first-token
        // selection 1 ms, TPOT 10 ms. R = $3.6/h at full use: $0.001 per machine second.
        var run = SweepRun([1100, 1400, 2200, 2500, 2800]);
        var labels = new List<string>();
        var c = OutcomeCost.Conversation(run, CostAnalyzer.Usable(run), 1, FiveTurns(), FiveTurns().Conversation!, 3.6, 1, [Cached], false, false, labels);
        // turn i: P_i / 10,000 + 0.001 + (200 - 1) x 0.01 = P_i / 10,000 + 1.991 s.
        double[] seconds = [0.11 + 1.991, 0.14 + 1.991, 0.22 + 1.991, 0.25 + 1.991, 0.28 + 1.991];
        for (int i = 0; i < 5; i++)
        {
            Assert.True(c.SelfHosted[i].PrefillMeasured);
            Assert.Equal(seconds[i], c.SelfHosted[i].Seconds, 9);
            Assert.Equal(seconds[i] * 0.001, c.SelfHosted[i].Dollars, 12);
        }
        // Total: prefills 1.0 s + 5 x 1.991 s = 10.955 s -> $0.010955.
        Assert.Equal(0.010955, c.SelfHostedTotal, 12);
        Assert.DoesNotContain(labels, l => l.Contains("estimated (linear", StringComparison.Ordinal));
        // At 50% utilization every idle hour is paid too: twice the cost.
        var half = OutcomeCost.Conversation(run, CostAnalyzer.Usable(run), 1, FiveTurns(), FiveTurns().Conversation!, 3.6, 0.5, [Cached], false, false, []);
        Assert.Equal(0.02191, half.SelfHostedTotal, 12);
        // The API with caching costs 7125e-6 on turn 1 vs self-hosted 2.101e-3: dearer from turn 1 on.
        Assert.Equal(1, c.Api[0].DearerThanSelfHostedFromTurn);
    }

    [Fact]
    public void A_length_between_measured_ones_is_interpolated_and_labelled()
    {
        var run = SweepRun([1100, 2200, 2500, 2800]);
        var labels = new List<string>();
        var c = OutcomeCost.Conversation(run, CostAnalyzer.Usable(run), 1, FiveTurns(), FiveTurns().Conversation!, 3.6, 1, [Cached], false, false, labels);
        // 1400 between 1100 (0.11 s) and 2200 (0.22 s): 0.11 + 0.11 x 300 / 1100 = 0.14 s (linear; the measured curve is linear here).
        Assert.False(c.SelfHosted[1].PrefillMeasured);
        Assert.Equal(0.14, c.SelfHosted[1].PrefillSeconds, 9);
        Assert.Contains(labels, l => l.Contains("context lengths 1400 at batch 1", StringComparison.Ordinal));
        Assert.Contains(labels, l => l.Contains("KV reuse not measured", StringComparison.Ordinal));
        Assert.Null(c.SelfHostedKvReuseTotal);
    }

    [Fact]
    public void Kv_reuse_prices_the_measured_incremental_prefill()
    {
        var turns = ConversationMath.Turns(FiveTurns().Conversation!);
        // Incremental prefill measured at batch 1, three rounds each; the medians are 0.05, 0.02, 0.03, 0.01, 0.01 s.
        double[][] inc = [[0.11, 0.05, 0.04], [0.01, 0.02, 0.03], [0.03, 0.03, 0.04], [0.01, 0.01, 0.02], [0.02, 0.01, 0.01]];
        var run = SweepRun([1100, 1400, 2200, 2500, 2800]) with
        {
            Conversation = new ConversationMeasurement
            {
                Workload = "five", Rounds = 3,
                Turns = turns.Select((t, i) => new TurnMeasurement
                {
                    Turn = t.Turn, HistoryTokens = t.HistoryTokens, NewTokens = t.NewTokens, ContextTokens = t.ContextTokens, AssistantTokens = t.AssistantTokens,
                    IncrementalPrefillSeconds = inc[i], FullPrefillSeconds = [1, 1, 1],
                }).ToList(),
            },
        };
        var labels = new List<string>();
        var c = OutcomeCost.Conversation(run, CostAnalyzer.Usable(run), 1, FiveTurns(), FiveTurns().Conversation!, 3.6, 1, [Cached], false, false, labels);
        // KV reuse turn i: median incremental + 1.991 s; total = (0.05 + 0.02 + 0.03 + 0.01 + 0.01) + 5 x 1.991 = 10.075 s -> $0.010075.
        Assert.Equal(0.02, c.SelfHosted[1].KvReusePrefillSeconds!.Value, 12);
        Assert.Equal(0.010075, c.SelfHostedKvReuseTotal!.Value, 12);
        Assert.Contains(labels, l => l.Contains("memory it holds meanwhile is not priced", StringComparison.Ordinal));
    }

    [Fact]
    public void Dearer_from_is_the_first_turn_after_which_every_turn_costs_more()
    {
        Assert.Equal(2, OutcomeCost.DearerFrom([1.0, 3.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]));
        Assert.Equal(4, OutcomeCost.DearerFrom([3.0, 3.0, 1.0, 4.0], [2.0, 2.0, 2.0, 2.0]));
        Assert.Equal(2, OutcomeCost.DearerFrom([1.0, 3.0, 3.0], [2.0, 2.0, 2.0]));
        Assert.Null(OutcomeCost.DearerFrom([3.0, 3.0, 1.0], [2.0, 2.0, 2.0]));
        Assert.Null(OutcomeCost.DearerFrom([3.0, null], [2.0, 2.0]));
        Assert.Equal(1, OutcomeCost.DearerFrom([3.0, 3.0], [2.0, 2.0]));
    }

    [Fact]
    public void A_task_of_3_calls_at_success_0_8_takes_3_75_calls_priced_on_both_sides()
    {
        Assert.Equal(3.75, OutcomeCost.ExpectedCalls(3, 0, 0.8), 12);   // 3 / 0.8
        Assert.Equal(4.125, OutcomeCost.ExpectedCalls(3, 0.1, 0.8), 12); // 3 x 1.1 / 0.8

        // A run that measured exactly one call (B=1, P=1000, G=200): e2e 3.6 s -> C = 3600 x 1 / 3.6 = 1000 calls/h.
        var run = TestRuns.Run() with { Scenarios = [TestRuns.Scenario("b1_p1000_g200", 1, 1000, 200, 0.1, 3.6)] };
        var task = new WorkloadDefinition
        {
            Name = "agent",
            Task = new TaskShape { CallsPerTask = 3, InputTokens = 1000, OutputTokens = 200, SuccessRate = 0.8 },
        };
        var rates = RateCards.Parse("""
            { "format": "inference-economics/rates", "version": 1, "currency": "USD", "unit": "dollars per million tokens",
              "rates": [ { "provider": "p", "model": "cached", "input": 3.0, "output": 15.0, "cached_input": 0.3, "cache_write_5m": 3.75,
                           "seen": "2026-01-01", "source": "test" } ] }
            """, "test");
        var request = new CostRequest { Machine = new MachinePricing { PricePerHour = 1 }, Workload = task.ToSpec(), Outcome = task, Vs = ["cached"] };
        var comparison = CostAnalyzer.Analyze(run, request, rates, HardwareCatalog.BuiltIn());
        var t = comparison.Task!;
        Assert.Equal(3.75, t.ExpectedCallsPerCompletedTask, 12);
        // Self-hosted: $1/h / 1000 calls/h = $0.001 a call (one machine fully busy) -> 3.75 x 0.001 = $0.00375 a task.
        Assert.Equal(0.001, t.SelfHostedPerCall, 12);
        Assert.Equal(0.00375, t.SelfHostedPerTask, 12);
        // API: 1000 x $3/M + 200 x $15/M = 0.003 + 0.003 = $0.006 a call -> 3.75 x 0.006 = $0.0225 a task.
        Assert.Equal(0.006, t.Api[0].PerCall!.Value, 12);
        Assert.Equal(0.0225, t.Api[0].PerTask!.Value, 12);
        Assert.Contains(comparison.Labels, l => l.Contains("a request is one model call", StringComparison.Ordinal));
    }

    private static ConversationCost Price(WorkloadDefinition w, IEnumerable<ApiRate> rates, List<string>? labels = null, bool oneHour = false)
    {
        var run = SweepRun([1100, 1400, 2200, 2500, 2800]);
        return OutcomeCost.Conversation(run, CostAnalyzer.Usable(run), 1, w, w.Conversation!, 3.6, 1, rates, false, oneHour, labels ?? []);
    }

    /// <summary>Batch-1 scenarios at the given prompt lengths: prefill P / 10,000 s, selection 1 ms, 201 generated tokens at TPOT 10 ms.</summary>
    private static RunResult SweepRun(int[] lengths) => TestRuns.Run() with
    {
        Scenarios = lengths.Select(p => TestRuns.Scenario($"b1_p{p}_g201", 1, p, 201, p / 10000.0, p / 10000.0 + 0.001 + 200 * 0.01)).ToList(),
    };
}
