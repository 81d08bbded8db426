using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

public class SloTests
{
    [Fact]
    public void Parses_percentiles_units_and_operators_into_seconds_and_tokens_per_second()
    {
        var slo = Slo.Parse("ttft_p90<=500ms, itl_p99<50ms,per_user_tps>=20,e2e<=2s,tpot_p95<=40000us");
        Assert.Equal(5, slo.Bounds.Count);
        Assert.Equal(new SloBound(SloMetric.Ttft, 90, SloComparison.AtMost, 0.5), slo.Bounds[0]);
        Assert.Equal(new SloBound(SloMetric.Itl, 99, SloComparison.Below, 0.05), slo.Bounds[1]);
        Assert.Equal(new SloBound(SloMetric.PerUserTps, 50, SloComparison.AtLeast, 20), slo.Bounds[2]);
        Assert.Equal(new SloBound(SloMetric.E2e, 50, SloComparison.AtMost, 2), slo.Bounds[3]);
        Assert.Equal(SloMetric.Tpot, slo.Bounds[4].Metric);
        Assert.Equal(0.04, slo.Bounds[4].Limit, 12);
        // A bare latency is milliseconds; the text form round-trips and equal bounds make equal SLOs.
        Assert.Equal(0.25, Slo.Parse("ttft<=250").Bounds[0].Limit, 12);
        Assert.Equal("ttft_p90<=500ms,itl_p99<50ms,per_user_tps>=20,e2e<=2000ms,tpot_p95<=40ms", slo.ToString());
        Assert.Equal(slo, Slo.Parse(slo.ToString()));
        Assert.NotEqual(slo, Slo.Parse("ttft_p90<=500ms"));
    }

    [Theory]
    [InlineData("ttft_p90<=500xs", "unit 'xs'")]
    [InlineData("latency<=50ms", "'latency' is not a metric")]
    [InlineData("ttft_p90>=500ms", "a latency bound is an upper limit")]
    [InlineData("per_user_tps<=20", "per-user speed is a lower limit")]
    [InlineData("ttft_p100<=1s", "outside 0..100")]
    [InlineData("ttft<=0ms", "above 0")]
    [InlineData("itl_p99<=50ms,itl_p99<=40ms", "bounded twice")]
    [InlineData("fast please", "is not a bound")]
    [InlineData("", "is empty")]
    public void Bad_bounds_are_structured_errors_on_the_Slo_field(string text, string reason)
    {
        var e = Assert.Throws<ValidationException>(() => Slo.Parse(text));
        Assert.All(e.Errors, x => Assert.Equal("Slo", x.Field));
        Assert.Contains(e.Errors, x => x.Reason.Contains(reason));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.False(Slo.TryParse(text, out var none, out var errors));
        Assert.Null(none);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Every_bad_item_is_reported_not_just_the_first()
    {
        var e = Assert.Throws<ValidationException>(() => Slo.Parse("ttft<=1q,speed>=3,itl_p99<=50ms"));
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal(["ttft<=1q", "speed>=3"], e.Errors.Select(x => x.Value));
    }

    [Fact]
    public void Checks_a_scenarios_measured_percentiles_and_finds_the_binding_bound()
    {
        // B = 4, prefill 0.05 s: TTFT 0.051 s; G = 32 over e2e 0.547 s: TPOT = ITL = (0.547 - 0.051) / 31 = 0.016 s (every percentile,
        // the test summaries are flat); per-user speed 1 / 0.016 = 62.5 tok/s.
        var s = TestRuns.Scenario("b4", 4, 128, 32, 0.05, 0.547);
        var check = Slo.Parse("ttft_p90<=100ms,itl_p99<=20ms,per_user_tps>=40").Check(s)!;
        Assert.True(check.Met);
        Assert.Equal(0.051, check.Bounds[0].Measured, 9);
        Assert.Equal(0.016, check.Bounds[1].Measured, 9);
        Assert.Equal(62.5, check.Bounds[2].Measured, 9);
        // Margins: TTFT (100 - 51) / 100 = 49%, ITL (20 - 16) / 20 = 20%, speed (62.5 - 40) / 40 = 56%: ITL binds.
        Assert.Equal(SloMetric.Itl, check.Binding.Bound.Metric);
        Assert.Equal(0.2, check.Binding.Slack, 9);
        Assert.Equal("itl_p99 16 ms meets <= 20 ms", check.Binding.ToString());
    }

    [Fact]
    public void A_percentile_the_summary_lacks_comes_from_the_raw_samples()
    {
        // Three repetitions with TTFT 0.1, 0.2, 0.4 s: p95 by linear interpolation = 0.2 + 0.9 x (0.4 - 0.2) = 0.38 s.
        var s = TestRuns.Scenario("x", 1, 16, 4, 0.05, 0.5);
        s = s with
        {
            Repetitions = [.. new[] { 0.1, 0.2, 0.4 }.Select(t => s.Repetitions[0] with { TtftSeconds = t })],
        };
        Assert.Equal(0.38, Slo.Measured(s, SloMetric.Ttft, 95)!.Value, 9);
    }
}
