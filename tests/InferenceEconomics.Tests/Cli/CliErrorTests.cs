using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Cli;

/// <summary>Bad input: one clear line on stderr, no stack trace, and a distinct exit code per kind of mistake.</summary>
public class CliErrorTests
{
    private static void AssertOneLine(CliRunner.Outcome o, int code, string mustContain)
    {
        Assert.Equal(code, o.ExitCode);
        var lines = o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(mustContain, lines[0]);
        Assert.DoesNotContain("   at ", o.Err);
    }

    [Fact]
    public void Missing_folder_is_model_not_found()
    {
        using var tmp = new TempDir();
        AssertOneLine(CliRunner.Run("--model", tmp.Combine("nope"), "--results", tmp.Path), 3, "does not exist");
    }

    [Fact]
    public void Folder_without_config_is_config_invalid()
    {
        using var tmp = new TempDir();
        AssertOneLine(CliRunner.Run("--model", tmp.Path, "--results", tmp.Path), 4, "genai_config.json");
    }

    [Fact]
    public void Malformed_config_says_where()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Combine("genai_config.json"), "{\n  \"model\": { \"type\": \n}");
        AssertOneLine(CliRunner.Run("--model", tmp.Path, "--results", tmp.Path), 13, "line 3");
    }

    [Fact]
    public void Truncated_model_onnx_is_model_file_invalid()
    {
        using var tmp = new TempDir();
        var model = tmp.Combine("model");
        var cache = new ModelResolver(new InferenceEconomics.Common.ProjectPaths(Repo.Root)).Resolve("synthetic:tiny", new ModelRequest()).Directory;
        Directory.CreateDirectory(model);
        foreach (var f in Directory.GetFiles(cache)) File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        var onnx = Path.Combine(model, "model.onnx");
        var bytes = File.ReadAllBytes(onnx);
        File.WriteAllBytes(onnx, bytes[..(bytes.Length / 2)]);
        AssertOneLine(CliRunner.Run("--model", model, "--results", tmp.Path), 5, "model.onnx");
    }

    [Fact]
    public void Unknown_preset_suggests_close_names()
    {
        AssertOneLine(CliRunner.Run("--model", "synthetic:phi-3-mni"), 6, "phi-3-mini");
    }

    [Fact]
    public void Unknown_alias_is_model_not_found_with_suggestion()
    {
        AssertOneLine(CliRunner.Run("--model", "phi3"), 3, "phi");
    }

    [Theory]
    [InlineData("0", "must be from 1 to 4096")]
    [InlineData("abc", "not a whole number")]
    [InlineData("1,,8", "empty element")]
    public void Bad_batch_is_usage_error(string batch, string message)
    {
        AssertOneLine(CliRunner.Run("--batch", batch), 2, message);
    }

    [Fact]
    public void Unknown_option_suggests_the_close_one()
    {
        AssertOneLine(CliRunner.Run("--bacth", "1"), 2, "did you mean --batch");
    }

    [Fact]
    public void Unknown_command_suggests_the_close_one()
    {
        AssertOneLine(CliRunner.Run("compre"), 2, "did you mean compare");
    }

    [Fact]
    public void Unknown_option_at_the_end_is_unknown_not_missing_a_value()
    {
        AssertOneLine(CliRunner.Run("--batch", "1", "--bogus"), 2, "unknown option --bogus");
        AssertOneLine(CliRunner.Run("--batch"), 2, "--batch needs a value");
        AssertOneLine(CliRunner.Run("hw", "extra"), 2, "unexpected argument 'extra'");
    }

    [Fact]
    public void Unwritable_results_path_is_a_file_access_error()
    {
        using var tmp = new TempDir();
        var file = tmp.Combine("a-file");
        File.WriteAllText(file, "x");
        AssertOneLine(CliRunner.Run("--results", file, "--batch", "1", "--quiet"), 14, "check the path");
    }

    [Fact]
    public void Cost_mistakes_are_caught_before_measuring()
    {
        using var tmp = new TempDir();
        AssertOneLine(CliRunner.Run("--price-per-hour", "1", "--scenario", "b2_p128_g32", "--batch", "1", "--results", tmp.Path), 9, "did you mean b1_p128_g32");
        AssertOneLine(CliRunner.Run("--price-per-hour", "0", "--results", tmp.Path), 8, "above 0");
        Assert.Empty(Directory.GetDirectories(tmp.Path));   // nothing was measured
    }

    [Fact]
    public void Cuda_graph_without_cuda_is_a_usage_error()
    {
        AssertOneLine(CliRunner.Run("--cuda-graph"), 2, "--cuda-graph: captures CUDA graphs, so it needs a CUDA device");
    }

    [Fact]
    public void Error_messages_are_folded_onto_one_line()
    {
        Assert.Equal("a b c", InferenceEconomics.Cli.CliMain.OneLine("a\r\n b\nc"));
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        using var tmp = new TempDir();
        var o = CliRunner.Run("--model", tmp.Path, "--results", tmp.Path, "--verbose");
        Assert.Equal(4, o.ExitCode);
        Assert.Contains("   at ", o.Err);
    }

    [SharedModelFact]
    public void Sweep_where_every_scenario_exceeds_context_exits_no_scenario_ran()
    {
        using var tmp = new TempDir();
        var o = CliRunner.Run("--model", Repo.SharedTinyModel!, "--prompt-tokens", "2000,3000", "--gen-tokens", "64", "--batch", "1", "--results", tmp.Path, "--quiet");
        AssertOneLine(o, 7, "exceeds the model's context length 2048");
        // The failed scenarios are still recorded.
        var run = Directory.GetDirectories(tmp.Path).Single();
        var result = InferenceEconomics.Results.ResultStore.Load(run);
        Assert.All(result.Scenarios, s => Assert.Equal(ScenarioStatus.Failed, s.Status));
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var o = CliRunner.Run("--help");
        Assert.Equal(0, o.ExitCode);
        foreach (var c in InferenceEconomics.Cli.CliMain.Commands) Assert.Contains($"  {c.Name} ", o.Out);
        Assert.Contains($"{InferenceEconomics.Cli.EntryPoint.Name} --model", o.Out);
    }

    [Fact]
    public void Help_and_hints_name_the_entry_script_the_user_ran()
    {
        Assert.Equal("./run.sh", InferenceEconomics.Cli.EntryPoint.From(null));
        Assert.Equal("./run.sh", InferenceEconomics.Cli.EntryPoint.From(" "));
        Assert.Equal(@".\run.ps1", InferenceEconomics.Cli.EntryPoint.From(@".\run.ps1"));
        Assert.Equal(@"see .\run.ps1 compare --help (.\run.ps1 models list)",
            InferenceEconomics.Cli.EntryPoint.Localize("see ./run.sh compare --help (./run.sh models list)", @".\run.ps1"));
        Assert.Equal("see ./run.sh compare --help", InferenceEconomics.Cli.EntryPoint.Localize("see ./run.sh compare --help", "./run.sh"));
    }
}
