namespace InferenceEconomics.Telemetry;

/// <summary>
/// Cutting a window [start, end] out of one channel's samples (times ascending, no NaN).
/// Between samples the signal is taken as linear, so a window edge that falls between two
/// samples gets the interpolated value: a counter's delta is the difference of the interpolated
/// counter at the edges, a gauge's energy the trapezoid of the interpolated curve.
/// Every function returns null when the samples do not cover the window (no sample at or
/// before start, or none at or after end): an uncovered window is never guessed.
/// </summary>
internal static class WindowMath
{
    /// <summary>The linearly interpolated value at x, or null outside [t[0], t[^1]].</summary>
    public static double? ValueAt(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double x)
    {
        if (t.Length == 0 || x < t[0] || x > t[^1]) return null;
        int i = UpperIndex(t, x);        // first index with t[i] >= x
        if (t[i] == x) return v[i];
        double f = (x - t[i - 1]) / (t[i] - t[i - 1]);
        return v[i - 1] + f * (v[i] - v[i - 1]);
    }

    /// <summary>Counter difference across the window (energy from a cumulative counter).</summary>
    public static double? CounterDelta(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double start, double end) =>
        ValueAt(t, v, start) is { } a && ValueAt(t, v, end) is { } b ? b - a : null;

    /// <summary>Trapezoidal integral of the interpolated gauge over the window (energy from power).</summary>
    public static double? Integrate(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double start, double end)
    {
        if (end < start) return null;
        if (ValueAt(t, v, start) is not { } vs || ValueAt(t, v, end) is not { } ve) return null;
        if (end == start) return 0;
        double sum = 0, prevT = start, prevV = vs;
        for (int i = UpperIndex(t, start); i < t.Length && t[i] < end; i++)
        {
            if (t[i] <= start) continue;
            sum += (prevV + v[i]) / 2 * (t[i] - prevT);
            prevT = t[i];
            prevV = v[i];
        }
        sum += (prevV + ve) / 2 * (end - prevT);
        return sum;
    }

    /// <summary>
    /// For an Interval channel (value i is the average over (t[i-1], t[i]]): the sum of value x
    /// overlap and the total overlap with the window. Average = WeightedSum / Weight.
    /// </summary>
    public static (double WeightedSum, double Weight) IntervalOverlap(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double start, double end)
    {
        double sum = 0, weight = 0;
        for (int i = 1; i < t.Length; i++)
        {
            double lo = Math.Max(t[i - 1], start), hi = Math.Min(t[i], end);
            if (hi <= lo) continue;
            sum += v[i] * (hi - lo);
            weight += hi - lo;
        }
        return (sum, weight);
    }

    /// <summary>Samples whose time lies inside [start, end].</summary>
    public static int CountInside(ReadOnlySpan<double> t, double start, double end)
    {
        int n = 0;
        foreach (var x in t) if (x >= start && x <= end) n++;
        return n;
    }

    /// <summary>Highest gauge value in the window: samples inside plus the interpolated edges.</summary>
    public static double? PeakGauge(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double start, double end)
    {
        double? peak = null;
        for (int i = 0; i < t.Length; i++)
            if (t[i] >= start && t[i] <= end) peak = Math.Max(peak ?? double.MinValue, v[i]);
        if (ValueAt(t, v, start) is { } a) peak = Math.Max(peak ?? double.MinValue, a);
        if (ValueAt(t, v, end) is { } b) peak = Math.Max(peak ?? double.MinValue, b);
        return peak;
    }

    /// <summary>
    /// Highest actual reading inside the window or at its two neighbouring samples (no
    /// interpolation: for quantities such as RSS, where only observed values make sense).
    /// </summary>
    public static double? PeakAround(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double start, double end)
    {
        if (t.Length == 0) return null;
        int from = Math.Max(0, UpperIndex(t, start) - 1);
        int to = Math.Min(t.Length - 1, UpperIndex(t, end));
        double? peak = null;
        for (int i = from; i <= to; i++) peak = Math.Max(peak ?? double.MinValue, v[i]);
        return peak;
    }

    /// <summary>Highest Interval value whose interval overlaps the window.</summary>
    public static double? PeakInterval(ReadOnlySpan<double> t, ReadOnlySpan<double> v, double start, double end)
    {
        double? peak = null;
        for (int i = 1; i < t.Length; i++)
            if (Math.Min(t[i], end) > Math.Max(t[i - 1], start)) peak = Math.Max(peak ?? double.MinValue, v[i]);
        return peak;
    }

    /// <summary>Index of the first sample at or after x (t.Length when none).</summary>
    public static int UpperIndex(ReadOnlySpan<double> t, double x)
    {
        int lo = 0, hi = t.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (t[mid] < x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
