using InferenceEconomics.Engines;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Measurement;

public class ScenarioTests
{
    [Fact]
    public void Matrix_is_the_cross_product_in_list_order()
    {
        var m = Scenario.Matrix([1, 8], [128, 512], [32]);
        Assert.Equal(["b1_p128_g32", "b1_p512_g32", "b8_p128_g32", "b8_p512_g32"], m.Select(s => s.Id));
    }

    [Fact]
    public void Prompt_ids_avoid_pad_and_eos_and_are_seeded()
    {
        var cfg = Config(vocab: 4, eos: [2], pad: 3);
        var ids = PromptGenerator.Generate(cfg, batch: 8, promptTokens: 64, seed: 7);
        Assert.Equal(8 * 64, ids.Length);
        Assert.All(ids, id => Assert.True(id is 0 or 1, $"id {id} is pad/eos or outside the vocabulary"));
        Assert.Contains(0, ids);
        Assert.Contains(1, ids);
        Assert.Equal(ids, PromptGenerator.Generate(cfg, 8, 64, 7));
        Assert.NotEqual(ids, PromptGenerator.Generate(cfg, 8, 64, 8));
    }

    [Fact]
    public void Prompt_ids_are_the_same_in_every_process()
    {
        // The documented derivation, written out here: seed x 1,000,003 + B x 10,007 + P (32-bit wrap, sign
        // bit cleared) seeds System.Random, whose sequence for a given seed is fixed across processes. A
        // per-process hash (HashCode.Combine) would fail this in every process but one in 2^32.
        var cfg = Config(vocab: 1000, eos: [], pad: 999);
        int streamSeed = (int)((42L * 1_000_003 + 2L * 10_007 + 5) & int.MaxValue);
        var rng = new Random(streamSeed);
        var expected = new List<int>();
        while (expected.Count < 10) { int id = rng.Next(0, 1000); if (id != 999) expected.Add(id); }
        Assert.Equal(expected, PromptGenerator.Generate(cfg, batch: 2, promptTokens: 5, seed: 42));
    }

    [Fact]
    public void Repetition_metrics_follow_metrics_md()
    {
        // Hand-made repetition: B=2, P=10, G=4; prefill 0.5 s, ttft 0.6 s, steps 0.1, 0.2, 0.3.
        var r = new RepetitionSample
        {
            PrefillSeconds = 0.5, TtftSeconds = 0.6, StepSeconds = [0.1, 0.2, 0.3],
            PrefillStartOffset = 0, DecodeStartOffset = 0.6, DecodeEndOffset = 1.2,
        };
        var s = new ScenarioResult { Id = "s", BatchSize = 2, PromptTokens = 10, GenTokens = 4, Status = ScenarioStatus.Ok, Repetitions = [r] };
        static double One(InferenceEconomics.Metrics.Metric m, ScenarioResult s) => Assert.Single(m.Samples(s));
        Assert.Equal(2 * 10 / 0.5, One(InferenceEconomics.Metrics.MetricCatalog.PrefillTps, s), 9);  // 40 t/s
        Assert.Equal(2 * 3 / 0.6, One(InferenceEconomics.Metrics.MetricCatalog.DecodeTps, s), 9);    // 10 t/s
        Assert.Equal(1.2, r.E2eSeconds, 12);                                      // ttft + steps
        Assert.Equal(2 * 4 / 1.2, One(InferenceEconomics.Metrics.MetricCatalog.OutputTps, s), 9);
        Assert.Equal(0.2, One(InferenceEconomics.Metrics.MetricCatalog.Tpot, s), 12);                // (1.2 - 0.6) / 3
        Assert.Equal(0.6, One(InferenceEconomics.Metrics.MetricCatalog.Ttft, s), 12);
        Assert.Equal([0.1, 0.2, 0.3], InferenceEconomics.Metrics.MetricCatalog.Itl.Samples(s));      // pooled steps
    }

    [Fact]
    public void Timestamps_become_offsets_and_step_durations()
    {
        var f = System.Diagnostics.Stopwatch.Frequency;
        var clock = new RunClock(1000);
        var t = new RepetitionTimestamps { PrefillStart = 1000 + f, PrefillEnd = 1000 + 2 * f, FirstTokenEnd = 1000 + 3 * f, StepEnds = [1000 + 5 * f, 1000 + 6 * f] };
        var s = RepetitionMetrics.ToSample(t, clock);
        Assert.Equal(1.0, s.PrefillSeconds, 9);
        Assert.Equal(2.0, s.TtftSeconds, 9);
        Assert.Equal([2.0, 1.0], s.StepSeconds.Select(x => Math.Round(x, 9)));
        Assert.Equal(1.0, s.PrefillStartOffset, 9);
        Assert.Equal(3.0, s.DecodeStartOffset, 9);
        Assert.Equal(6.0, s.DecodeEndOffset, 9);
    }

    internal static GenAiConfig Config(int vocab, int[] eos, int pad) => new()
    {
        ModelType = "llama", ContextLength = 2048, VocabSize = vocab, HeadSize = 16, HiddenSize = 16, NumAttentionHeads = 1,
        NumKeyValueHeads = 1, NumHiddenLayers = 1, Filename = "model.onnx", BosTokenId = 0, EosTokenIds = eos, PadTokenId = pad,
    };
}
