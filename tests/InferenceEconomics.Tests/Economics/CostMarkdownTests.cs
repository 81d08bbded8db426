using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;

namespace InferenceEconomics.Tests.Economics;

public class CostMarkdownTests
{
    [Theory]
    [InlineData(0.036, "$0.0360")]
    [InlineData(0.000123, "$0.000123")]
    [InlineData(0.5, "$0.500")]
    [InlineData(2.5, "$2.50")]
    [InlineData(1234.4, "$1,234")]
    [InlineData(0.0, "$0")]
    public void Money_keeps_three_significant_digits_for_small_sums(double value, string expected) =>
        Assert.Equal(expected, CostMarkdown.Money(value));

    [Fact]
    public void Unknown_money_is_written_unknown_never_zero() => Assert.Equal("unknown", CostMarkdown.Money(null));

    [Theory]
    [InlineData(0.75, "75%")]
    [InlineData(0.034, "3.4%")]
    [InlineData(0.00028, "0.028%")]
    public void Percent_never_rounds_a_small_share_to_zero(double fraction, string expected) =>
        Assert.Equal(expected, CostMarkdown.Percent(fraction));

    [Fact]
    public void Section_shows_costs_api_lines_unknowns_and_labels()
    {
        var c = CostAnalyzer.Analyze(TestRuns.Run(synthetic: true), new CostRequest
        {
            Machine = new MachinePricing { PricePerHour = 2 },
            Workload = new WorkloadSpec("chat", 1000, 300, 1000, 0),
            RequestsPerDay = 36_000,
            Vs = ["claude-sonnet-4-5", "o3"],
            BatchApi = true,
        });
        var md = CostMarkdown.Render(c);
        Assert.StartsWith("## Cost: self-hosted vs API", md);
        Assert.Contains("| Monthly cost ", md);
        Assert.Contains("$2,920", md);                    // 2 machines x $2 x 730
        Assert.Contains("API (batch prices)", md);
        Assert.Contains("| anthropic/claude-sonnet-4-5 ", md);
        Assert.Contains("unknown", md);                   // no batch prices for either: unknown, not $0
        Assert.DoesNotMatch(@"\|\s+\$0\s+\|", md);
        Assert.Contains("synthetic weights", md);
        // Every table row has the same width (padded for a terminal).
        var rows = md.Split('\n').Where(l => l.StartsWith("| anthropic") || l.StartsWith("| openai") || l.StartsWith("| API")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Single(rows.Select(r => r.Length).Distinct());
    }
}
