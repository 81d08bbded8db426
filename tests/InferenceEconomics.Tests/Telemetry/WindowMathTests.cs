using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>Window cutting on small series whose answers are worked out by hand in the comments.</summary>
public sealed class WindowMathTests
{
    private static readonly double[] T = [0, 1, 2, 3];

    [Fact]
    public void Counter_delta_interpolates_the_edges()
    {
        double[] e = [0, 10, 30, 60];
        // E(0.5) = 5, E(2.5) = 30 + 0.5 x 30 = 45  ->  40 J
        Assert.Equal(40, WindowMath.CounterDelta(T, e, 0.5, 2.5)!.Value, 12);
        // on sample times exactly: 60 - 10 = 50
        Assert.Equal(50, WindowMath.CounterDelta(T, e, 1, 3)!.Value, 12);
    }

    [Fact]
    public void Integrated_power_is_the_trapezoid_of_the_interpolated_curve()
    {
        double[] t = [0, 1, 2];
        double[] p = [100, 200, 100];
        // P(0.5) = 150, P(1.5) = 150: (150+200)/2 x 0.5 + (200+150)/2 x 0.5 = 87.5 + 87.5 = 175 J
        Assert.Equal(175, WindowMath.Integrate(t, p, 0.5, 1.5)!.Value, 12);
        // whole span: (100+200)/2 + (200+100)/2 = 300 J
        Assert.Equal(300, WindowMath.Integrate(t, p, 0, 2)!.Value, 12);
        // a window between two samples: P(0.25) = 125, P(0.75) = 175 -> 150 W x 0.5 s = 75 J
        Assert.Equal(75, WindowMath.Integrate(t, p, 0.25, 0.75)!.Value, 12);
        Assert.Equal(0, WindowMath.Integrate(t, p, 1, 1)!.Value);
    }

    [Fact]
    public void A_window_the_samples_do_not_cover_gives_null_not_a_guess()
    {
        double[] e = [0, 10, 30, 60];
        Assert.Null(WindowMath.CounterDelta(T, e, -0.5, 1));
        Assert.Null(WindowMath.Integrate(T, e, 2, 3.5));
        Assert.Null(WindowMath.ValueAt([], [], 0));
    }

    [Fact]
    public void Interval_values_are_weighted_by_their_overlap()
    {
        double[] t = [0, 1, 2];
        double[] v = [double.NaN, 50, 100]; // 50 over (0,1], 100 over (1,2]
        var (sum, weight) = WindowMath.IntervalOverlap(t, v, 0.5, 1.5);
        // 50 x 0.5 + 100 x 0.5 = 75 over 1 s
        Assert.Equal(75, sum, 12);
        Assert.Equal(1, weight, 12);
        Assert.Equal(100, WindowMath.PeakInterval(t, v, 1.2, 1.3));
    }

    [Fact]
    public void Peak_of_a_gauge_includes_interpolated_edges_and_inside_samples()
    {
        double[] t = [0, 1, 2];
        double[] p = [100, 300, 100];
        Assert.Equal(300, WindowMath.PeakGauge(t, p, 0.5, 1.5));
        // no sample inside [0.2, 0.4]: the higher edge, P(0.4) = 180
        Assert.Equal(180, WindowMath.PeakGauge(t, p, 0.2, 0.4)!.Value, 12);
        Assert.Equal(2, WindowMath.CountInside(T, 0.5, 2.0));
    }

    [Fact]
    public void Peak_around_uses_only_observed_values()
    {
        double[] t = [0, 1, 2, 3];
        double[] v = [4096, 8192, 4096, 12288];
        // window (1.2, 1.4) has no sample inside: neighbours t = 1 and t = 2 -> 8192, never an interpolated 7372.8
        Assert.Equal(8192, WindowMath.PeakAround(t, v, 1.2, 1.4));
        Assert.Equal(12288, WindowMath.PeakAround(t, v, 2.5, 2.6));
    }
}
