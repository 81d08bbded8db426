using InferenceEconomics.Results;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Cli;

/// <summary>The run command end to end on the official builder's model: files on disk, labels, figures.</summary>
public class RunCommandTests
{
    [SharedModelFact]
    public void Official_model_run_writes_result_and_report()
    {
        using var tmp = new TempDir();
        var o = CliRunner.Run("--model", Repo.SharedTinyModel!, "--batch", "1,2", "--prompt-tokens", "16", "--gen-tokens", "8",
            "--time-budget", "0.5", "--max-reps", "4", "--results", tmp.Path, "--quiet");
        Assert.True(o.ExitCode == 0, o.Err);
        var run = Directory.GetDirectories(tmp.Path).Single();
        var result = ResultStore.Load(run);
        Assert.Equal(RunStatus.Complete, result.Status);
        Assert.Equal(["b1_p16_g8", "b2_p16_g8"], result.Scenarios.Select(s => s.Id));
        Assert.False(result.Model.Synthetic);
        Assert.Equal(EngineKind.GenAi, result.Engine.Name);
        Assert.Equal("0.18.0", result.Environment.GenAiVersion);
        Assert.Equal(64, result.Model.OnnxSha256!.Length);
        var report = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.Contains("| tiny-random-LlamaForCausalLM-fp16 ", report);
        Assert.Contains("real weights", report);
        // The console shows the same table as the report.
        Assert.Contains(report.Split('\n').First(l => l.StartsWith("| tiny")), o.Out);
    }
}

/// <summary>The rooms end to end on one real run: run (priced) -> cost -> compare -> report, all through the CLI.</summary>
public class PipelineTests
{
    [SharedModelFact]
    public void A_priced_run_feeds_cost_compare_and_report()
    {
        using var tmp = new TempDir();
        var run = CliRunner.Run("--model", Repo.SharedTinyModel!, "--batch", "1", "--prompt-tokens", "16", "--gen-tokens", "8",
            "--time-budget", "0.5", "--max-reps", "6", "--no-idle", "--results", tmp.Path, "--quiet",
            "--price-per-hour", "1.5", "--workload", "chat", "--requests-per-day", "1000", "--vs", "gpt-4o-mini");
        Assert.True(run.ExitCode == 0, run.Err);
        var folder = Directory.GetDirectories(tmp.Path).Single();
        var report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.Contains("## Cost: self-hosted vs API", report);
        Assert.Contains("openai/gpt-4o-mini", report);
        Assert.Contains("## Cost: self-hosted vs API", run.Out);
        Assert.Contains("## Interactivity frontier", report);
        foreach (var f in new[] { "result.json", "report.html", "scenarios.csv", "charts/cost_per_mtok.png", "charts/breakeven.png", "charts/frontier.png" })
            Assert.True(File.Exists(Path.Combine(folder, f)), f);

        // cost reads the result file the run wrote: 1,000 requests/day is far below one machine's capacity.
        var cost = CliRunner.Run("cost", folder, "--price-per-hour", "1.5", "--requests-per-day", "1000", "--json", "--vs", "gpt-4o-mini");
        Assert.True(cost.ExitCode == 0, cost.Err);
        using var json = System.Text.Json.JsonDocument.Parse(cost.Out);
        var self = json.RootElement.GetProperty("self_hosted");
        Assert.Equal(1, self.GetProperty("machines").GetInt32());
        // One machine at $1.5/h for a month = 1.5 x 730.
        Assert.Equal(1.5 * 730, self.GetProperty("monthly_cost").GetDouble(), 6);

        // A run compared with itself is Same everywhere: exit 0.
        var same = CliRunner.Run("compare", folder, folder);
        Assert.True(same.ExitCode == 0, same.Out + same.Err);
        Assert.DoesNotContain("Slower", same.Out);

        // report re-renders without a price: the cost charts go away.
        Assert.Equal(0, CliRunner.Run("report", folder).ExitCode);
        Assert.False(File.Exists(Path.Combine(folder, "charts", "breakeven.png")));
        Assert.DoesNotContain("## Cost", File.ReadAllText(Path.Combine(folder, "report.md")));
    }
}
