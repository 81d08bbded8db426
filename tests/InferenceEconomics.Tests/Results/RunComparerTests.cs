using InferenceEconomics.Metrics;
using InferenceEconomics.Results.Comparison;

using InferenceEconomics.Tests.Reporting;

namespace InferenceEconomics.Tests.Results;

public class RunComparerTests
{
    private static readonly ComparisonOptions Defaults = new();

    [Fact]
    public void Ten_percent_lower_throughput_with_separated_samples_is_slower()
    {
        // Medians 102 and 92: ratio 0.90196 (|change| 9.8% > 5%); 5 vs 5 separated: p = 2/252 < 0.05.
        var m = RunComparer.CompareMetric(MetricCatalog.DecodeTps, [100, 101, 102, 103, 104], [90, 91, 92, 93, 94], Defaults);
        Assert.Equal(92.0 / 102.0, m.Ratio, 12);
        Assert.Equal(2.0 / 252, m.PValue, 12);
        Assert.Equal(Verdict.Slower, m.Verdict);
    }

    [Fact]
    public void Significant_but_within_threshold_is_same()
    {
        // Ratio 106/102 = 1.039 (3.9% < 5%) although p = 2/252.
        var m = RunComparer.CompareMetric(MetricCatalog.DecodeTps, [100, 101, 102, 103, 104], [104.5, 105, 106, 107, 108], Defaults);
        Assert.Equal(Verdict.Same, m.Verdict);
        Assert.True(m.PValue < 0.05);
    }

    [Fact]
    public void Lower_latency_is_faster_and_higher_latency_is_slower()
    {
        // TTFT medians 0.012 -> 0.009: ratio 0.75, p = 2/252.
        var faster = RunComparer.CompareMetric(MetricCatalog.Ttft, [0.010, 0.011, 0.012, 0.013, 0.014], [0.008, 0.0085, 0.009, 0.0095, 0.0099], Defaults);
        Assert.Equal(0.75, faster.Ratio, 12);
        Assert.Equal(Verdict.Faster, faster.Verdict);
        var slower = RunComparer.CompareMetric(MetricCatalog.Ttft, [0.008, 0.0085, 0.009, 0.0095, 0.0099], [0.010, 0.011, 0.012, 0.013, 0.014], Defaults);
        Assert.Equal(Verdict.Slower, slower.Verdict);
    }

    [Fact]
    public void Three_repetitions_cannot_reach_significance_and_say_so()
    {
        // Even fully separated, 3 vs 3 gives p = 0.1 >= 0.05: Same, with a note.
        var m = RunComparer.CompareMetric(MetricCatalog.DecodeTps, [100, 101, 102], [50, 51, 52], Defaults);
        Assert.Equal(0.1, m.PValue, 12);
        Assert.Equal(Verdict.Same, m.Verdict);
        Assert.Contains("too few samples", m.Note);
    }

    [Fact]
    public void Large_but_noisy_difference_is_same()
    {
        // Medians 100 vs 90 but overlapping: U1 = 1+2+3+3+4 = 13, U = 12 of 25; 126 of the 252
        // orderings have U <= 12 (the distribution is symmetric about 12.5), so p = 2 * 126/252 = 1.
        var m = RunComparer.CompareMetric(MetricCatalog.DecodeTps, [60, 80, 100, 120, 140], [55, 75, 90, 125, 145], Defaults);
        Assert.Equal(0.9, m.Ratio, 12);
        Assert.Equal(1.0, m.PValue, 12);
        Assert.Equal(Verdict.Same, m.Verdict);
        Assert.Contains("not significant", m.Note);
    }

    [Fact]
    public void A_result_compared_with_itself_is_same_everywhere()
    {
        var run = TestRuns.Build();
        var report = RunComparer.Compare(run, run);

        Assert.Equal(run.Scenarios.Count, report.Scenarios.Count);
        Assert.Empty(report.Unmatched);
        var all = report.Scenarios.SelectMany(s => s.Metrics).ToList();
        Assert.Equal(run.Scenarios.Count * 6, all.Count); // prefill, decode, ttft, itl p99, J/tok prefill + decode
        Assert.All(all, m => Assert.Equal(Verdict.Same, m.Verdict));
        Assert.All(all, m => Assert.Equal(1.0, m.Ratio, 12));
        Assert.All(report.GeometricMeans, g => Assert.Equal(1.0, g.Ratio, 12));
        Assert.False(report.Regressed);
    }

    [Fact]
    public void A_planted_decode_regression_is_caught_in_every_scenario()
    {
        var baseline = TestRuns.Build(seed: 7);
        var candidate = TestRuns.SlowDecode(baseline, 0.9); // every step time / 0.9

        var report = RunComparer.Compare(baseline, candidate);

        Assert.True(report.Regressed);
        foreach (var s in report.Scenarios)
        {
            var decode = s.Metrics.Single(m => m.Metric == "decode_tps");
            Assert.Equal(Verdict.Slower, decode.Verdict);
            Assert.Equal(0.9, decode.Ratio, 9);              // each repetition's tps is exactly x0.9
            Assert.Equal(2.0 / 924, decode.PValue, 12);      // 6 vs 6 fully separated: 2 / C(12,6)
            Assert.Equal(Verdict.Slower, s.Metrics.Single(m => m.Metric == "itl_p99").Verdict);
            Assert.Equal(Verdict.Same, s.Metrics.Single(m => m.Metric == "prefill_tps").Verdict);
            Assert.Equal(Verdict.Same, s.Metrics.Single(m => m.Metric == "ttft").Verdict);
        }
        Assert.Equal(0.9, report.GeometricMeans.Single(g => g.Metric == "decode_tps").Ratio, 9);
        Assert.Equal(1 / 0.9, report.GeometricMeans.Single(g => g.Metric == "itl_p99").Ratio, 9);
    }

    [Fact]
    public void Unmatched_scenarios_are_listed_and_runs_of_other_models_are_refused()
    {
        var baseline = TestRuns.Build(batches: [1, 4, 8]);
        var candidate = TestRuns.Build(batches: [1, 4, 16], seed: 3);
        var report = RunComparer.Compare(baseline, candidate);
        Assert.Equal(4, report.Scenarios.Count); // B1, B4 x 2 prompt lengths
        Assert.Equal(["B16 P128 G17", "B16 P512 G17", "B8 P128 G17", "B8 P512 G17"], report.Unmatched.Select(u => u.Key).Order().ToArray());

        var otherShape = baseline with { Model = baseline.Model with { Layers = 16 } };
        var e = Assert.Throws<InferenceEconomicsException>(() => RunComparer.Compare(baseline, otherShape));
        Assert.Equal(ErrorKind.ResultInvalid, e.Kind);
        Assert.Contains("model shape", e.Message);
    }

    [Fact]
    public void Synthetic_and_real_weights_of_the_same_shape_compare_with_a_label()
    {
        var synthetic = TestRuns.Build(synthetic: true);
        var real = TestRuns.Build(synthetic: false, seed: 9);
        var report = RunComparer.Compare(synthetic, real);
        Assert.Equal(synthetic.Scenarios.Count, report.Scenarios.Count);
        Assert.Contains(report.Labels, l => l.StartsWith("baseline: synthetic weights"));
    }

    [Fact]
    public void Tokens_per_dollar_follows_throughput_over_price()
    {
        // Same run on a machine at $2/h vs $4/h: half the tokens per dollar; baseline = output_tps x 3600 / 2.
        var run = TestRuns.Build(batches: [8], prompts: [128]);
        var report = RunComparer.Compare(run, run, new ComparisonOptions { BaselinePricePerHour = 2, CandidatePricePerHour = 4 });
        var s = report.Scenarios.Single();
        var outputTps = run.Scenarios[0].Summary!["output_tps"].Median;
        Assert.Equal(outputTps * 1800, s.TokensPerDollar!.Baseline, 6);
        Assert.Equal(0.5, s.TokensPerDollar.Ratio, 12);
    }
}
