using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

public class BreakEvenTests
{
    [Fact]
    public void Step_function_against_a_line_worked_by_hand()
    {
        // R = $2/h, C = 100 requests/h, k = 1, API $0.03/request. One machine serves up to 73,000/month for $1,460.
        // Step 1: the line crosses $1,460 at 48,667 but step 2 ($2,920 from 73,000) is above the line (73,000 x 0.03 = $2,190).
        // Step 2: crossing at 2,920 / 0.03 = 97,333.3; step 3 starts at 146,000 where the line is $4,380 = 3 machines: never above again.
        var be = BreakEven.Find(0.03, 2, 100, 1)!.Value;
        Assert.Equal(2 * 2 * 730 / 0.03, be.RequestsPerMonth, 6);
        // 97,333.3 / 730 = 133.3/h on 2 machines of 100/h: 2/3 busy (= R / (a x C) = 2 / 3).
        Assert.Equal(2.0 / 3.0, be.Utilization, 9);
    }

    [Fact]
    public void Never_when_the_api_is_as_cheap_as_a_full_machine()
    {
        // a x C = $2/h = R: the API is never more expensive than self-hosting.
        Assert.Null(BreakEven.Find(0.02, 2, 100, 1));
        // Provisioning for a 2x peak doubles the machines: $0.03 no longer pays (rho = 0.75).
        Assert.Null(BreakEven.Find(0.03, 2, 100, 2));
    }

    [Theory]
    [InlineData(0.03, 2.0, 100.0, 1.0)]
    [InlineData(0.05, 2.0, 100.0, 2.0)]
    [InlineData(0.0123, 3.78, 1000.0, 1.5)]
    [InlineData(0.5, 1.0, 10.0, 1.0)]
    public void Matches_a_brute_force_scan_of_monthly_volumes(double a, double r, double c, double k)
    {
        var be = BreakEven.Find(a, r, c, k);
        Assert.NotNull(be);
        double v = be.Value.RequestsPerMonth;
        // Scan volumes on a fine grid up to 20 steps past the answer, with the raw definitions.
        double SelfHost(double volume) => Math.Max(1, Math.Ceiling(volume / 730 * k / c - 1e-12)) * r * 730;
        double step = 730 * c / k;
        double? lastApiCheaper = null;
        for (double x = step / 5000; x < v + 20 * step; x += step / 5000)
            if (a * x <= SelfHost(x)) lastApiCheaper = x;
        Assert.NotNull(lastApiCheaper);
        // The last volume where the API still wins lies just below V*; from V* on self-hosting wins.
        Assert.InRange(lastApiCheaper!.Value, v - step / 2000, v);
        Assert.True(a * (v * 1.0001) > SelfHost(v * 1.0001));
    }
}
