using System.Diagnostics;

namespace InferenceEconomics.Common;

/// <summary>
/// The run's one monotonic time base (Stopwatch). Phase windows in results and telemetry
/// sample times are both offsets in seconds from <see cref="Origin"/>, so windows can be cut
/// from samples without any call between the measured loop and the sampler.
/// </summary>
internal sealed class RunClock
{
    public long Origin { get; }

    public RunClock(long origin) => Origin = origin;

    public static RunClock StartNew() => new(Stopwatch.GetTimestamp());

    public static long Now => Stopwatch.GetTimestamp();

    public double Offset(long timestamp) => (timestamp - Origin) / (double)Stopwatch.Frequency;

    public double NowOffset => Offset(Stopwatch.GetTimestamp());

    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
