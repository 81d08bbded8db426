using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

public class BreakEvenTests
{
    [Fact]
    public void One_machine_wins_early_loses_past_its_capacity_and_wins_again_worked_by_hand()
    {
        // R = $2/h, C = 100 requests/h, k = 1, API $0.03/request. One machine ($1,460/month) serves up to 73,000/month.
        // Step 1: the line a x V passes $1,460 at 1,460 / 0.03 = 48,666.7: self-hosting wins from there to 73,000.
        // Step 2 ($2,920 from 73,000): the line is $2,190 at 73,000, so the API wins again until 2,920 / 0.03 = 97,333.3.
        // Step 3 starts just above 146,000, where the line is at $4,380 = 3 x $1,460: three machines cost no more than
        // the API anywhere on their step, and neither do more. From 97,333.3 on self-hosting stays cheaper.
        var iv = BreakEven.Intervals(0.03, 2, 100, 1);
        Assert.Equal(2, iv.Count);
        Assert.Equal(1460 / 0.03, iv[0].FromRequestsPerMonth, 6);
        Assert.Equal(73_000, iv[0].ToRequestsPerMonth!.Value, 6);
        Assert.Equal((1, 1), (iv[0].Machines, iv[0].MachinesTo!.Value));
        // Utilization: 48,666.7 / 730 = 66.67/h of 100/h = 2/3 at the start, 100% at the top of the step.
        Assert.Equal(2.0 / 3, iv[0].UtilizationFrom, 9);
        Assert.Equal(1.0, iv[0].UtilizationTo!.Value, 9);
        Assert.Equal(2920 / 0.03, iv[1].FromRequestsPerMonth, 6);
        Assert.Null(iv[1].ToRequestsPerMonth);
        Assert.Equal(2, iv[1].Machines);
        Assert.Null(iv[1].MachinesTo);
        // 97,333.3 / 730 = 133.3/h on 2 machines of 100/h: 2/3 busy (= R / (a x C)).
        Assert.Equal(2.0 / 3, iv[1].UtilizationFrom, 9);
        Assert.Equal(2920 / 0.03, BreakEven.CheaperFrom(iv)!.Value, 6);
    }

    [Fact]
    public void A_price_just_above_break_even_gives_several_ranges_worked_by_hand()
    {
        // R = $2/h, C = 100/h, k = 1, a = $0.025: rho = a x C / R = 1.25. Step n spans ((n-1) x 73,000, n x 73,000]
        // at n x $1,460; the line reaches n x 1,460 at n x 58,400. Crossings inside steps 1, 2, 3:
        // (58,400, 73,000], (116,800, 146,000], (175,200, 219,000]; step 4 crosses at 233,600 inside (219,000, 292,000]
        // and step 5's crossing, 292,000, is its start: from 233,600 on self-hosting never loses again.
        var iv = BreakEven.Intervals(0.025, 2, 100, 1);
        Assert.Equal(4, iv.Count);
        double[] from = [58_400, 116_800, 175_200, 233_600];
        double?[] to = [73_000, 146_000, 219_000, null];
        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(from[n], iv[n].FromRequestsPerMonth, 6);
            Assert.Equal(to[n], iv[n].ToRequestsPerMonth);
            Assert.Equal(n + 1, iv[n].Machines);
            Assert.Equal(0.8, iv[n].UtilizationFrom, 9);   // R / (a x C) = 2 / 2.5 at every start
        }
        Assert.Equal(233_600, BreakEven.CheaperFrom(iv));
    }

    [Fact]
    public void Never_when_the_api_is_as_cheap_as_a_full_machine()
    {
        // a x C = $2/h = R: the API is never more expensive than self-hosting.
        Assert.Empty(BreakEven.Intervals(0.02, 2, 100, 1));
        // Provisioning for a 2x peak doubles the machines: $0.03 no longer pays (rho = 0.75).
        Assert.Empty(BreakEven.Intervals(0.03, 2, 100, 2));
        Assert.Empty(BreakEven.Intervals(0, 2, 100, 1));   // a $0 card: never
        Assert.Null(BreakEven.CheaperFrom([]));
    }

    [Theory]
    [InlineData(0.03, 2.0, 100.0, 1.0)]
    [InlineData(0.025, 2.0, 100.0, 1.0)]
    [InlineData(0.05, 2.0, 100.0, 2.0)]
    [InlineData(0.0123, 3.78, 1000.0, 1.5)]
    [InlineData(0.5, 1.0, 10.0, 1.0)]
    [InlineData(0.0011, 0.5, 1000.0, 1.3)]
    public void Matches_a_brute_force_scan_of_monthly_volumes(double a, double r, double c, double k)
    {
        var intervals = BreakEven.Intervals(a, r, c, k);
        Assert.NotEmpty(intervals);
        // The raw definitions: N(V) = max(1, ceil(V / 730 x k / C)), self-hosted S(V) = N x R x 730, API A(V) = a x V.
        double SelfHost(double volume) => Math.Max(1, Math.Ceiling(volume / 730 * k / c - 1e-12)) * r * 730;
        bool Cheaper(double v) => a * v > SelfHost(v);
        bool Inside(double v) => intervals.Any(i => v > i.FromRequestsPerMonth && (i.ToRequestsPerMonth is not { } to || v <= to));
        double step = 730 * c / k;
        double end = (intervals[^1].FromRequestsPerMonth + 20 * step);
        double dx = step / 997;   // not a divisor of the step: no grid point sits on a boundary
        int checkedPoints = 0, cheaperPoints = 0;
        for (double v = dx / 3; v < end; v += dx)
        {
            // Skip points within a hair of a boundary, where rounding decides.
            bool nearEdge = intervals.Any(i => Math.Abs(v - i.FromRequestsPerMonth) < 1e-6 * step || (i.ToRequestsPerMonth is { } t && Math.Abs(v - t) < 1e-6 * step));
            if (nearEdge) continue;
            Assert.True(Cheaper(v) == Inside(v), $"at {v:N2}/month: brute force says {(Cheaper(v) ? "self-hosting" : "API")} is cheaper, the intervals disagree");
            checkedPoints++;
            if (Cheaper(v)) cheaperPoints++;
        }
        Assert.True(checkedPoints > 10_000);
        Assert.True(cheaperPoints > 0);
        // Each interval's machines are N(V) just inside it.
        foreach (var i in intervals)
            Assert.Equal(i.Machines, (int)Math.Max(1, Math.Ceiling((i.FromRequestsPerMonth + dx / 10) / 730 * k / c - 1e-12)));
    }
}
