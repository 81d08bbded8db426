using InferenceEconomics.Cli;
using InferenceEconomics.Common;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>The models command end to end through the CLI entry point, in a private project root.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ie-models-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public ModelsCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(_root), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    [Fact]
    public void ListShowsPresetsAndCatalogAliases()
    {
        Directory.CreateDirectory(Path.Combine(_root, "models"));
        File.WriteAllText(Path.Combine(_root, "models", "models.json"),
            """{"aliases": {"phi": {"description": "Phi-3-mini-4k-instruct ONNX", "preset": "phi-3-mini", "variants": {"cpu": {"path": "models/phi-cpu", "precision": "int4", "source": "somewhere", "get": "fetch it"}}}, "other": {"description": "x", "preset": "tiny", "variants": {}}}}""");
        Directory.CreateDirectory(Path.Combine(_root, "models", "phi-cpu"));
        File.WriteAllText(Path.Combine(_root, "models", "phi-cpu", "genai_config.json"), "{}");
        var (code, output, _) = Run("models", "list");
        Assert.Equal(0, code);
        Assert.Contains("phi-3-mini", output);
        Assert.Contains("llama-3.1-70b", output);
        Assert.Contains("3.82 B", output);                // phi-3-mini parameters
        Assert.Contains("real weights present: models/phi-cpu", output);
        Assert.Contains("phi ", output);
        Assert.Contains("Phi-3-mini-4k-instruct ONNX", output);
        Assert.Contains("other", output);
    }

    [Fact]
    public void SynthToOutFolderWritesTheModelAndSaysSynthetic()
    {
        var dir = Path.Combine(_root, "out");
        var (code, output, err) = Run("models", "synth", "tiny", "--precision", "int4", "--layers", "1", "--out", dir, "--seed", "7");
        Assert.True(code == 0, err);
        foreach (var f in new[] { "model.onnx", "model.onnx.data", "genai_config.json", "synthetic.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Contains(dir, output);
        Assert.Contains("synthetic weights", output);
        Assert.Contains("tiny-custom", output); // a changed preset is labelled custom
        // tiny with 1 layer: 2*2,097,152 + 786,944 + 256 = 4,981,504 parameters.
        Assert.Contains("4,981,504", output);

        // The folder is now not empty: refused without --force, accepted with it.
        var again = Run("models", "synth", "tiny", "--layers", "1", "--out", dir);
        Assert.Equal((int)ErrorKind.Usage, again.Code);
        Assert.Contains("--force", again.Err);
        Assert.Equal(0, Run("models", "synth", "tiny", "--layers", "1", "--out", dir, "--force").Code);
    }

    [Theory]
    [InlineData(ErrorKind.UnknownPreset, "models", "synth", "phi-3-mni")]
    [InlineData(ErrorKind.Usage, "models", "synth", "tiny", "--precision", "int8")]
    [InlineData(ErrorKind.Usage, "models", "synth", "tiny", "--layers", "0")]
    [InlineData(ErrorKind.Usage, "models", "synth", "tiny", "--heads", "3")]
    [InlineData(ErrorKind.Usage, "models", "synth", "custom", "--layers", "2")]
    [InlineData(ErrorKind.Usage, "models", "synth", "tiny", "--precison", "int4")]
    [InlineData(ErrorKind.Usage, "models", "lst")]
    [InlineData(ErrorKind.Usage, "models")]
    public void BadInputGetsOneLineAndItsExitCode(ErrorKind kind, params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal((int)kind, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void UnknownPresetMessageSuggests()
    {
        var (_, _, err) = Run("models", "synth", "phi-3-mni");
        Assert.Contains("did you mean phi-3-mini", err);
    }

    [Fact]
    public void CustomPresetNeedsEveryFlagAndThenBuilds()
    {
        var dir = Path.Combine(_root, "custom");
        var (code, output, err) = Run("models", "synth", "custom", "--layers", "1", "--hidden", "64", "--heads", "2", "--kv-heads", "1",
            "--intermediate", "96", "--vocab", "500", "--context", "128", "--out", dir);
        Assert.True(code == 0, err);
        Assert.Contains("preset custom", output);
        var cfg = InferenceEconomics.Models.GenAiConfig.Load(dir);
        Assert.Equal((1, 32, 1, 500, 128), (cfg.NumHiddenLayers, cfg.HeadSize, cfg.NumKeyValueHeads, cfg.VocabSize, cfg.ContextLength));
    }
}
