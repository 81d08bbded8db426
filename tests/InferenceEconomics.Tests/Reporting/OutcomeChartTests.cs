using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Reporting.Charts;
using EconomicsRuns = InferenceEconomics.Tests.Economics.TestRuns;

namespace InferenceEconomics.Tests.Reporting;

/// <summary>The cost-per-outcome charts: written with the other cost charts when the workload is a conversation or a task.</summary>
public class OutcomeChartTests
{
    [Fact]
    public void Conversation_and_task_charts_are_written_beside_the_cost_charts()
    {
        var run = EconomicsRuns.Run() with { Scenarios = [EconomicsRuns.Scenario("b1_p1100_g201", 1, 1100, 201, 0.11, 2.111), EconomicsRuns.Scenario("b1_p2800_g201", 1, 2800, 201, 0.28, 2.281)] };
        var w = Workloads.Find("support-conversation");
        var rate = new ApiRate { Provider = "p", Model = "m", Input = 3, Output = 15, CachedInput = 0.3, CacheWrite5m = 3.75, Seen = "2026-01-01", Source = "test" };
        var conversation = OutcomeCost.Conversation(run, CostAnalyzer.Usable(run), 1, w, w.Conversation!, 2, 0.5, [rate], false, false, []);
        var agent = Workloads.Find("coding-agent");
        var task = OutcomeCost.Task(agent, agent.Task!, 0.002, [rate], false);
        using var tmp = new TempDir();
        var files = new ChartExporter().Export(new ReportContext(TestRuns.Build(), tmp.Path) { Cost = TestRuns.Cost() with { Conversation = conversation, Task = task } });
        foreach (var name in new[] { "conversation_cost", "task_cost" })
        {
            var png = Path.Combine(tmp.Path, "charts", name + ".png");
            Assert.Contains(png, files);
            var size = ChartImage.PngSize(File.ReadAllBytes(png));
            Assert.Equal(ChartImage.DefaultWidth, size!.Value.Width);
            Assert.True(size.Value.Height >= ChartImage.DefaultHeight);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(tmp.Path, "charts", name + ".svg")));
            File.Copy(png, Path.Combine(TestArtifacts.Dir, name + ".png"), overwrite: true);
        }
    }

    [Fact]
    public void A_conversation_of_n_turns_costs_the_sum_of_its_first_n_turns_and_unknown_stays_unknown()
    {
        var y = OutcomeCharts.Cumulative([1.0, 2.0, null, 3.0]);
        Assert.Equal(1.0, y[0]);
        Assert.Equal(3.0, y[1]);
        Assert.True(double.IsNaN(y[2]) && double.IsNaN(y[3])); // never drawn as if the unknown turn were free
    }

    [Fact]
    public void The_report_shows_each_turns_ratio_of_the_same_round()
    {
        var turn = new TurnMeasurement
        {
            Turn = 2, HistoryTokens = 300, NewTokens = 100, ContextTokens = 400, AssistantTokens = 50,
            IncrementalPrefillSeconds = [0.01, 0.03], FullPrefillSeconds = [0.1, 0.1],
        };
        turn = turn with { Summary = InferenceEconomics.Metrics.ConversationMetrics.Summarize(turn) };
        var md = MarkdownExporter.ConversationMarkdown(new ConversationMeasurement { Workload = "w", Rounds = 2, Turns = [turn] });
        // Ratios 0.01 / 0.1 = 0.1 and 0.03 / 0.1 = 0.3: median 0.2; incremental median (0.01 + 0.03) / 2 = 20 ms;
        // tok/s per round 100 / 0.01 = 10,000 and 100 / 0.03 = 3,333.3: median 6,666.7.
        var row = md.Split('\n').Single(l => l.StartsWith("|    2 ", StringComparison.Ordinal));
        Assert.Contains("0.2 x", row);
        Assert.Contains("0.1..0.3", row);
        Assert.Contains("20 ms", row);
        Assert.Contains("6666.7 tok/s", row);
    }
}
