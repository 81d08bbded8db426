using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Tests.Results;

/// <summary>Expected values worked out by hand (counting orderings) or with an independent erfc (Python's math.erfc).</summary>
public class MannWhitneyTests
{
    [Fact]
    public void Three_vs_three_fully_separated_is_exactly_one_in_twenty_per_tail()
    {
        // U = 0; only 1 of C(6,3) = 20 orderings has U = 0, two-sided p = 2/20.
        var r = MannWhitney.Test([1, 2, 3], [4, 5, 6]);
        Assert.Equal("exact", r.Method);
        Assert.Equal(0, r.U);
        Assert.Equal(0.1, r.PValue, 12);
        Assert.Equal(0.1, r.MinimumPValue, 12);
    }

    [Fact]
    public void Four_vs_four_and_five_vs_five_fully_separated()
    {
        Assert.Equal(2.0 / 70, MannWhitney.Test([10, 11, 12, 13], [1, 2, 3, 4]).PValue, 12);   // C(8,4) = 70
        Assert.Equal(2.0 / 252, MannWhitney.Test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).PValue, 12); // C(10,5) = 252
    }

    [Fact]
    public void Interleaved_three_vs_three_counts_the_lower_tail()
    {
        // x = {1,3,5}, y = {2,4,6}: x beats y in (3,2), (5,2), (5,4) -> U1 = 3, U2 = 6, U = 3.
        // Orderings of 3+3 by U: 1,1,2,3,3,3,3,2,1,1 (sum 20); P(U <= 3) = 7/20; two-sided 0.7.
        var r = MannWhitney.Test([1, 3, 5], [2, 4, 6]);
        Assert.Equal(3, r.U1);
        Assert.Equal(3, r.U);
        Assert.Equal(0.7, r.PValue, 12);
    }

    [Fact]
    public void Exact_distribution_for_three_and_three_matches_the_hand_count()
    {
        Assert.Equal([1, 1, 2, 3, 3, 3, 3, 2, 1, 1], MannWhitney.ExactCounts(3, 3));
        Assert.Equal(20, MannWhitney.ExactCounts(3, 3).Sum());
        Assert.Equal(MannWhitney.Choose(12, 5), MannWhitney.ExactCounts(5, 7).Sum());
    }

    [Fact]
    public void Ties_use_the_normal_approximation_with_tie_and_continuity_correction()
    {
        // x = {1,2,2,3}, y = {2,3,4,4}. U1 = 0 + 0.5 + 0.5 + (1 + 0.5) = 2.5, mean 8.
        // Tie groups 1,3,2,2: sum(t^3 - t) = 0 + 24 + 6 + 6 = 36; var = 16/12 * (9 - 36/56) = 11.142857.
        // z = (5.5 - 0.5) / sqrt(11.142857) = 1.4978617; p = erfc(z / sqrt 2) = 0.1341692.
        var r = MannWhitney.Test([1, 2, 2, 3], [2, 3, 4, 4]);
        Assert.Equal("normal", r.Method);
        Assert.Equal(2.5, r.U1);
        Assert.Equal(0.1341692, r.PValue, 5);
    }

    [Fact]
    public void Large_samples_use_the_normal_approximation()
    {
        // 60 vs 60 separated: U = 0, mean 1800, var = 3600/12 * 121 = 36300; z = 1799.5/190.526 = 9.44493; p = 3.5566e-21.
        var x = Enumerable.Range(0, 60).Select(i => (double)i).ToList();
        var y = Enumerable.Range(100, 60).Select(i => (double)i).ToList();
        var r = MannWhitney.Test(x, y);
        Assert.Equal("normal", r.Method);
        Assert.Equal(3.5566e-21, r.PValue, 3.5566e-21 * 1e-3);
    }

    [Fact]
    public void Identical_samples_give_p_one_and_the_test_is_symmetric()
    {
        Assert.Equal(1.0, MannWhitney.Test([5, 5, 5], [5, 5, 5]).PValue);
        Assert.Equal(1.0, MannWhitney.Test([1, 2, 3, 4], [1, 2, 3, 4]).PValue, 12);
        double[] a = [3.1, 2.7, 4.4, 3.9, 3.3], b = [2.2, 2.9, 3.0, 2.5, 2.8, 3.05];
        Assert.Equal(MannWhitney.Test(a, b).PValue, MannWhitney.Test(b, a).PValue, 12);
    }

    [Fact]
    public void Erfc_matches_known_values()
    {
        Assert.Equal(1.0, MannWhitney.Erfc(0), 6);
        Assert.Equal(0.31731050786, MannWhitney.Erfc(1 / Math.Sqrt(2)), 6);   // two-sided p at z = 1
        Assert.Equal(0.04550026390, MannWhitney.Erfc(2 / Math.Sqrt(2)), 6);   // z = 2
        Assert.Equal(1.68268949, MannWhitney.Erfc(-1 / Math.Sqrt(2)), 6);
    }
}
