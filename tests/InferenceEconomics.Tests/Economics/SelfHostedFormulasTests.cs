using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

public class SelfHostedFormulasTests
{
    [Fact]
    public void Input_cost_per_million_equals_the_throughput_form()
    {
        // R = $3.60/h, prefill 0.5 s over B=4 x P=1,000: 3.6 x 0.5 / (3600 x 4000) x 1e6 = 0.125.
        Assert.Equal(0.125, SelfHostedFormulas.InputCostPerM(3.6, 0.5, 4, 1000), 12);
        // Second way: prefill 8,000 tokens/s; $/h / (tps x 3600) x 1e6 = 3.6 / 28,800,000 x 1e6 = 0.125.
        double tps = 4 * 1000 / 0.5;
        Assert.Equal(3.6 / (tps * 3600) * 1e6, SelfHostedFormulas.InputCostPerM(3.6, 0.5, 4, 1000), 12);
    }

    [Fact]
    public void Output_cost_per_million_attributes_the_time_after_prefill()
    {
        // 3.6 x (10.5 - 0.5) / (3600 x 4 x 500) x 1e6 = 36 / 7,200,000 x 1e6 = 5.0.
        Assert.Equal(5.0, SelfHostedFormulas.OutputCostPerM(3.6, 10.5, 0.5, 4, 500), 12);
    }

    [Fact]
    public void Utilization_divides_the_cost()
    {
        // $5/M at full use, busy a quarter of paid hours: 5 / 0.25 = 20.
        Assert.Equal(20.0, SelfHostedFormulas.AtUtilization(5.0, 0.25), 12);
    }

    [Fact]
    public void Owned_hardware_adds_depreciation_energy_with_pue_and_other_costs()
    {
        // capex 35,040 / (4 y x 8,760 h) = 1.00; 1,000 W x PUE 1.5 x $0.10/kWh / 1000 = 0.15; other 0.05: R = 1.20.
        Assert.Equal(1.20, SelfHostedFormulas.OwnedPerHour(35_040, 4, 1000, 1.5, 0.10, 0.05), 12);
        Assert.Equal(0.15, SelfHostedFormulas.EnergyPerHour(1000, 1.5, 0.10), 12);
    }

    [Fact]
    public void Rented_is_gpus_times_price()
    {
        Assert.Equal(7.56, SelfHostedFormulas.RentedPerHour(2, 3.78), 12);
    }

    [Fact]
    public void Energy_cost_per_token()
    {
        // 3.6 J/token x PUE 1.25 x $0.08/kWh / 3.6e6 J/kWh = 0.36 / 3.6e6 = 1e-7 $/token.
        Assert.Equal(1.0, SelfHostedFormulas.EnergyCostPerToken(3.6, 1.25, 0.08) * 1e7, 12);
    }

    [Fact]
    public void Traffic_gives_capacity_machines_utilization_and_monthly_cost()
    {
        // B=8, e2e 14.4 s: C = 3600 x 8 / 14.4 = 2,000 requests/h.
        double c = SelfHostedFormulas.CapacityPerHour(8, 14.4);
        Assert.Equal(2000, c, 9);
        // 72,000 requests/day = 3,000/h mean, peak 2x = 6,000/h: 3 machines, u = 3,000 / 6,000 = 0.5.
        int n = SelfHostedFormulas.Machines(6000, c);
        Assert.Equal(3, n);
        Assert.Equal(0.5, SelfHostedFormulas.Utilization(3000, n, c), 12);
        // Monthly: 3 x $2.00 x 730 = 4,380.
        Assert.Equal(4380, SelfHostedFormulas.MonthlyCost(n, 2.0), 9);
        // A peak exactly at capacity needs no extra machine; a tiny load still needs one.
        Assert.Equal(2, SelfHostedFormulas.Machines(4000, 2000));
        Assert.Equal(1, SelfHostedFormulas.Machines(0.001, 2000));
        Assert.Equal(1_460_000, SelfHostedFormulas.RequestsPerMonth(48_000), 6); // 48,000 / 24 x 730
    }
}
