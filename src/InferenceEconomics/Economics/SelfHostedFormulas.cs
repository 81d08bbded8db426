namespace InferenceEconomics.Economics;

/// <summary>The self-hosted cost formulas of docs/metrics.md, one method each, nothing else. R is $/hour of one machine.</summary>
internal static class SelfHostedFormulas
{
    public const double HoursPerMonth = 730;
    public const double HoursPerDay = 24;
    public const double HoursPerYear = 8760;

    /// <summary>Rented: R = GPUs x $/GPU-hour (an instance price is GPUs = 1).</summary>
    public static double RentedPerHour(int gpus, double dollarsPerGpuHour) => gpus * dollarsPerGpuHour;

    /// <summary>Energy part of owned R: average watts x PUE x $/kWh / 1000.</summary>
    public static double EnergyPerHour(double watts, double pue, double dollarsPerKwh) => watts * pue * dollarsPerKwh / 1000;

    /// <summary>Owned: R = capex / (life_years x 8760) + average watts x PUE x $/kWh / 1000 + other $/hour.</summary>
    public static double OwnedPerHour(double capex, double lifeYears, double watts, double pue, double dollarsPerKwh, double otherPerHour) =>
        capex / (lifeYears * HoursPerYear) + EnergyPerHour(watts, pue, dollarsPerKwh) + otherPerHour;

    /// <summary>input_cost_per_M = R x prefill_time / (3600 x B x P) x 1e6 (full use).</summary>
    public static double InputCostPerM(double r, double prefillSeconds, int batch, int promptTokens) =>
        r * prefillSeconds / (3600.0 * batch * promptTokens) * 1e6;

    /// <summary>output_cost_per_M = R x (e2e - prefill_time) / (3600 x B x G) x 1e6 (full use).</summary>
    public static double OutputCostPerM(double r, double e2eSeconds, double prefillSeconds, int batch, int genTokens) =>
        r * (e2eSeconds - prefillSeconds) / (3600.0 * batch * genTokens) * 1e6;

    /// <summary>True cost at utilization u: idle hours are paid and produce nothing.</summary>
    public static double AtUtilization(double costAtFullUse, double utilization) => costAtFullUse / utilization;

    /// <summary>Capacity of one machine: C = 3600 x B / e2e requests per hour.</summary>
    public static double CapacityPerHour(int batch, double e2eSeconds) => 3600.0 * batch / e2eSeconds;

    /// <summary>The largest fleet the tool sizes: beyond it a figure is a typo in the traffic, not a plan (and an int could wrap).</summary>
    public const int MaxMachines = 1_000_000;

    /// <summary>Machines needed: N = ceil(peak / C), at least one; refused (never wrapped) above <see cref="MaxMachines"/>.</summary>
    public static int Machines(double peakRequestsPerHour, double capacityPerHour)
    {
        double n = Math.Ceiling(peakRequestsPerHour / capacityPerHour - 1e-12);
        if (!(n <= MaxMachines))
            throw new InferenceEconomicsException(ErrorKind.Usage,
                $"the traffic needs {(double.IsFinite(n) ? n.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "infinitely many")} machines at peak, more than the {MaxMachines:N0} this tool sizes; give a lower request rate (requests per day x peak-to-mean)");
        return Math.Max(1, (int)n);
    }

    /// <summary>u = mean / (N x C).</summary>
    public static double Utilization(double meanRequestsPerHour, int machines, double capacityPerHour) =>
        meanRequestsPerHour / (machines * capacityPerHour);

    /// <summary>Monthly cost = N x R x 730.</summary>
    public static double MonthlyCost(int machines, double r) => machines * r * HoursPerMonth;

    /// <summary>Energy cost per token = J/token x PUE x $/kWh / 3.6e6.</summary>
    public static double EnergyCostPerToken(double joulesPerToken, double pue, double dollarsPerKwh) => joulesPerToken * pue * dollarsPerKwh / 3.6e6;

    public static double RequestsPerMonth(double requestsPerDay) => requestsPerDay / HoursPerDay * HoursPerMonth;
}
