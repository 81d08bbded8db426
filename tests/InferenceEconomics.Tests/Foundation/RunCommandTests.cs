using InferenceEconomics.Results;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Foundation;

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
        Assert.Equal("complete", result.Status);
        Assert.Equal(["b1_p16_g8", "b2_p16_g8"], result.Scenarios.Select(s => s.Id));
        Assert.False(result.Model.Synthetic);
        Assert.Equal("genai", result.Engine.Name);
        Assert.Equal("0.18.0", result.Environment.GenAiVersion);
        Assert.Equal(64, result.Model.OnnxSha256!.Length);
        var report = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.Contains("| tiny-random-LlamaForCausalLM-fp16 ", report);
        Assert.Contains("real weights", report);
        // The console shows the same table as the report.
        Assert.Contains(report.Split('\n').First(l => l.StartsWith("| tiny")), o.Out);
    }
}
