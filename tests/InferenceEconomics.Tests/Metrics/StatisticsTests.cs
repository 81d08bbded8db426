using InferenceEconomics.Metrics;
using InferenceEconomics.Measurement;

namespace InferenceEconomics.Tests.Metrics;

public class StatisticsTests
{
    [Fact]
    public void Summary_of_known_sample_matches_hand_computation()
    {
        // 1..10: mean 5.5; sample stdev sqrt(sum((x-5.5)^2)/9) = sqrt(82.5/9) = 3.02765...
        var s = Statistics.Summarize(Enumerable.Range(1, 10).Select(i => (double)i).Reverse())!;
        Assert.Equal(10, s.N);
        Assert.Equal(5.5, s.Mean, 12);
        Assert.Equal(5.5, s.Median, 12);
        Assert.Equal(Math.Sqrt(82.5 / 9), s.Stdev, 12);
        Assert.Equal(1, s.Min);
        Assert.Equal(10, s.Max);
        // p90 by linear interpolation: position 0.9 * 9 = 8.1 -> 9 + 0.1 * (10 - 9) = 9.1
        Assert.Equal(9.1, s.P90, 12);
        Assert.Equal(Math.Sqrt(82.5 / 9) / 5.5, s.Cv, 12);
    }

    [Fact]
    public void Median_ci_uses_binomial_order_statistics()
    {
        // n = 10: coverage of [x(2), x(9)] = 1 - 2 * P(Bin(10,.5) <= 1) = 1 - 2 * 11/1024 = 0.9785 >= 0.95,
        // while [x(3), x(8)] covers 1 - 2 * 56/1024 = 0.89 < 0.95. So ranks 2 and 9 (values 20 and 90).
        var sorted = Enumerable.Range(1, 10).Select(i => i * 10.0).ToArray();
        var (lo, hi) = Statistics.MedianConfidenceInterval(sorted);
        Assert.Equal(20, lo);
        Assert.Equal(90, hi);

        // n = 20: P(Bin(20,.5) <= 5) = 21700/1048576 = 0.0207 -> ranks 6 and 15 (coverage 0.9586);
        // rank 7 would give 1 - 2 * 0.0577 = 0.885.
        var s20 = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        Assert.Equal((6.0, 15.0), Statistics.MedianConfidenceInterval(s20));
    }

    [Fact]
    public void Median_ci_of_tiny_sample_is_the_range()
    {
        Assert.Equal((1.0, 5.0), Statistics.MedianConfidenceInterval([1, 2, 3, 4, 5]));
    }

    [Fact]
    public void Relative_half_width_is_half_the_interval_over_the_median()
    {
        var s = Statistics.Summarize(Enumerable.Range(1, 10).Select(i => i * 10.0))!;
        // CI [20, 90], median 55 -> (90 - 20) / 2 / 55
        Assert.Equal(35.0 / 55.0, s.CiRelativeHalfWidth, 12);
    }
}
