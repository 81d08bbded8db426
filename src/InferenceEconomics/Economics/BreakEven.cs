namespace InferenceEconomics.Economics;

/// <summary>
/// Break-even between self-hosting (a step function: N machines x R x 730 a month, N growing with
/// the peak rate) and an API (a line: cost per request x volume).
/// </summary>
public static class BreakEven
{
    /// <summary>
    /// The smallest monthly request volume V* from which self-hosting stays strictly cheaper, and the
    /// utilization at V*; null when the API is never more expensive (ratio a x C / (k x R) at most 1).
    /// </summary>
    /// <param name="apiCostPerRequest">a, $ per request at the API.</param>
    /// <param name="dollarsPerHour">R of one machine.</param>
    /// <param name="capacityPerHour">C, requests per hour of one machine.</param>
    /// <param name="peakToMean">k, peak rate / mean rate (at least 1).</param>
    public static (double RequestsPerMonth, double Utilization)? Find(double apiCostPerRequest, double dollarsPerHour, double capacityPerHour, double peakToMean)
    {
        if (apiCostPerRequest <= 0 || capacityPerHour <= 0) return null;
        double h = SelfHostedFormulas.HoursPerMonth;
        // Step N covers V in ((N-1) x h x C / k, N x h x C / k]. Self-hosting (flat N x R x h) beats the line a x V
        // from V_N = N x R x h / a to the end of the step. At the top of every step the API/self-host
        // ratio is rho = a x C / (k x R); at the bottom of step N it is rho x (N-1) / N.
        double rho = apiCostPerRequest * capacityPerHour / (peakToMean * dollarsPerHour);
        if (rho <= 1) return null;
        // Self-hosting wins through the whole step once rho x (N-1)/N >= 1, i.e. N >= rho/(rho-1);
        // the last step with a crossing inside it is the largest N below that.
        // (double, not int: rho barely above 1 puts the last crossing very far out.)
        double lastCrossing = Math.Max(1, Math.Ceiling(rho / (rho - 1) - 1e-12) - 1);
        double volume = lastCrossing * dollarsPerHour * h / apiCostPerRequest;
        double utilization = volume / h / (lastCrossing * capacityPerHour);
        return (volume, utilization);
    }
}
