using InferenceEconomics.Telemetry.Sampling;

namespace InferenceEconomics.Tests.Telemetry;

public sealed class SamplingTests
{
    [Fact]
    public void Ring_keeps_the_newest_samples_and_slices_with_one_neighbour_each_side()
    {
        var ring = new SampleRing(capacity: 4, channels: 2);
        for (int i = 0; i < 6; i++) ring.Add(i, [i * 10, i * 100]); // 0,1 are overwritten

        var s = ring.Slice(2.5, 3.5);
        Assert.Equal([2.0, 3.0, 4.0], s.Times);
        Assert.Equal([20.0, 30.0, 40.0], s.Columns[0]);
        Assert.Equal([200.0, 300.0, 400.0], s.Columns[1]);
        Assert.False(s.TruncatedAtStart);

        var old = ring.Slice(0.5, 2.5);
        Assert.True(old.TruncatedAtStart);        // the sample at 0 that would bracket 0.5 is gone
        Assert.Equal([2.0, 3.0], old.Times);
        Assert.Equal(6, ring.Written);
        Assert.Equal(5, ring.LatestTime);
    }

    [Fact]
    public void Series_drops_NaN_readings()
    {
        var ring = new SampleRing(8, 1);
        ring.Add(0, [1]);
        ring.Add(1, [double.NaN]);
        ring.Add(2, [3]);
        var (t, v) = ring.Slice(0, 2).Series(0);
        Assert.Equal([0.0, 2.0], t);
        Assert.Equal([1.0, 3.0], v);
    }

    [Fact]
    public void Decimator_halves_resolution_when_full_and_keeps_means()
    {
        // 10 samples into 4 buckets. Worked by hand:
        // s0..s3 fill 4 buckets; s4 compacts to [s0+s1][s2+s3] (2 per bucket), s4,s5 -> bucket 3, s6,s7 -> bucket 4;
        // s8 compacts to [s0..s3][s4..s7] (4 per bucket); s8,s9 -> bucket 3.
        // Means of t: 1.5, 5.5, 8.5; values are 2t: 3, 11, 17.
        var d = new SeriesDecimator(channels: 1, maxPoints: 4);
        for (int i = 0; i < 10; i++) d.Add(i, [2.0 * i]);
        var (t, v) = d.Series(0);
        Assert.Equal([1.5, 5.5, 8.5], t);
        Assert.Equal([3.0, 11.0, 17.0], v);
        Assert.Equal(4, d.SamplesPerBucket);
    }

    [Fact]
    public void Decimator_stays_bounded_for_a_long_run()
    {
        var d = new SeriesDecimator(channels: 1, maxPoints: 64);
        for (int i = 0; i < 100_000; i++) d.Add(i, [1]);
        var (t, v) = d.Series(0);
        Assert.InRange(t.Length, 32, 64);
        Assert.All(v, x => Assert.Equal(1, x));
    }
}
