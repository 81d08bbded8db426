using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace InferenceEconomics.Measurement;

/// <summary>
/// The CPU's streaming-read memory bandwidth, measured by the harness (docs/metrics.md "Roofline": the
/// decode lower bound on a CPU uses it). A buffer several times larger than any cache is summed by
/// every logical core in parallel; the best of a few passes is quoted, as STREAM-like tools do.
/// </summary>
internal static class MemoryBandwidthProbe
{
    public sealed record Measurement(double BytesPerSecond, string Method);

    public static Measurement Measure(long bytes = 512L << 20, int passes = 5, int? threads = null)
    {
        int t = Math.Max(1, threads ?? Environment.ProcessorCount);
        long n = bytes / sizeof(long);
        var buffer = GC.AllocateUninitializedArray<long>(checked((int)n), pinned: true);
        // Touch every page first so the passes measure reads, not page faults.
        for (long i = 0; i < n; i += 512) buffer[i] = i;
        long chunk = (n / t + Vector<long>.Count - 1) / Vector<long>.Count * Vector<long>.Count;
        double best = double.MaxValue;
        long sink = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            var partial = new long[t];
            long start = Stopwatch.GetTimestamp();
            Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = t }, k =>
            {
                long from = k * chunk, to = Math.Min(n, from + chunk);
                if (from < to) partial[k] = Sum(buffer.AsSpan((int)from, (int)(to - from)));
            });
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            sink += partial.Sum();
        }
        GC.KeepAlive(sink);
        return new Measurement(n * sizeof(long) / best, $"streaming read of {bytes >> 20} MiB by {t} threads, best of {passes}");
    }

    private static long Sum(ReadOnlySpan<long> span)
    {
        var vectors = MemoryMarshal.Cast<long, Vector<long>>(span);
        Vector<long> a = Vector<long>.Zero, b = Vector<long>.Zero;
        int i = 0;
        for (; i + 1 < vectors.Length; i += 2) { a += vectors[i]; b += vectors[i + 1]; }
        if (i < vectors.Length) a += vectors[i];
        long s = Vector.Sum(a + b);
        for (int j = vectors.Length * Vector<long>.Count; j < span.Length; j++) s += span[j];
        return s;
    }
}
