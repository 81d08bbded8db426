namespace InferenceEconomics.Economics;

/// <summary>
/// A range of monthly request volume over which self-hosting is strictly cheaper than an API:
/// from <see cref="FromRequestsPerMonth"/> (exclusive) to <see cref="ToRequestsPerMonth"/> (inclusive;
/// null = no end, self-hosting stays cheaper however large the volume).
/// </summary>
public sealed record BreakEvenInterval
{
    public required double FromRequestsPerMonth { get; init; }
    public double? ToRequestsPerMonth { get; init; }
    /// <summary>Machines over the interval: <see cref="Machines"/> at its start, <see cref="MachinesTo"/> at its end (null: growing without end).</summary>
    public required int Machines { get; init; }
    public int? MachinesTo { get; init; }
    /// <summary>Utilization (mean / (N x C)) at the start and at the end of the interval (null at no end: it tends to 1 / peak-to-mean).</summary>
    public required double UtilizationFrom { get; init; }
    public double? UtilizationTo { get; init; }
}

/// <summary>
/// Break-even between self-hosting (a step function: N machines x R x 730 a month, N growing with
/// the peak rate) and an API (a line: cost per request x volume). A step function against a line can
/// cross many times: one machine may win early, lose just past its capacity, and win again with more.
/// </summary>
internal static class BreakEven
{
    /// <summary>Bounded intervals kept before the last, unbounded one (a price barely above break-even makes thousands).</summary>
    public const int MaxIntervals = 10_000;

    /// <summary>
    /// Every range of monthly volume where self-hosting is strictly cheaper, in order; empty when the API is never more
    /// expensive (ratio rho = a x C / (k x R) at most 1). The last interval has no end; its start is "cheaper from V".
    /// </summary>
    /// <param name="apiCostPerRequest">a, $ per request at the API.</param>
    /// <param name="dollarsPerHour">R of one machine.</param>
    /// <param name="capacityPerHour">C, requests per hour of one machine.</param>
    /// <param name="peakToMean">k, peak rate / mean rate (at least 1).</param>
    public static IReadOnlyList<BreakEvenInterval> Intervals(double apiCostPerRequest, double dollarsPerHour, double capacityPerHour, double peakToMean)
    {
        if (!(apiCostPerRequest > 0) || !(capacityPerHour > 0) || !(dollarsPerHour > 0)) return [];
        double h = SelfHostedFormulas.HoursPerMonth;
        // Step N covers V in ((N-1) x h x C / k, N x h x C / k] at a flat N x R x h. The line a x V passes that
        // level at V_N = N x R x h / a; self-hosting is cheaper from there to the end of the step when
        // V_N < N x h x C / k, i.e. rho > 1. It wins a whole step (joining the previous one) once
        // V_N <= (N-1) x h x C / k, i.e. N >= rho / (rho - 1): from then on every step is won.
        double rho = apiCostPerRequest * capacityPerHour / (peakToMean * dollarsPerHour);
        if (rho <= 1) return [];
        double stepVolume = h * capacityPerHour / peakToMean;
        double Crossing(double n) => n * dollarsPerHour * h / apiCostPerRequest;
        double UtilizationAt(double volume, double n) => volume / h / (n * capacityPerHour);
        // First N that wins its whole step; the interval that never ends starts inside step N* - 1.
        double nStar = Math.Max(2, Math.Ceiling(rho / (rho - 1) - 1e-12));
        var list = new List<BreakEvenInterval>();
        for (double n = 1; n <= nStar - 2 && list.Count < MaxIntervals; n++)
        {
            double from = Crossing(n), to = n * stepVolume;
            list.Add(new BreakEvenInterval
            {
                FromRequestsPerMonth = from, ToRequestsPerMonth = to, Machines = (int)n, MachinesTo = (int)n,
                UtilizationFrom = UtilizationAt(from, n), UtilizationTo = UtilizationAt(to, n),
            });
        }
        double last = nStar - 1;
        double start = Crossing(last);
        list.Add(new BreakEvenInterval
        {
            FromRequestsPerMonth = start, ToRequestsPerMonth = null, Machines = (int)Math.Min(int.MaxValue, last), MachinesTo = null,
            UtilizationFrom = UtilizationAt(start, last), UtilizationTo = null,
        });
        return list;
    }

    /// <summary>"Cheaper from V": the start of the interval that never ends, or null when self-hosting never wins.</summary>
    public static double? CheaperFrom(IReadOnlyList<BreakEvenInterval> intervals) =>
        intervals.Count > 0 && intervals[^1].ToRequestsPerMonth is null ? intervals[^1].FromRequestsPerMonth : null;
}
