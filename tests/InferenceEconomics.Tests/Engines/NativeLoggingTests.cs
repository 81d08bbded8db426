using InferenceEconomics.Models;
using InferenceEconomics.Models.Onnx;
using InferenceEconomics.Models.Synthetic;
using InferenceEconomics.Tests.Models.Synthetic;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Engines;

/// <summary>
/// ONNX Runtime's own log lines (raw, coloured, straight to the process's stderr) never reach the terminal unless
/// --verbose. A model whose embedding table is too short passes every check made before loading and fails inside
/// ONNX Runtime when it runs, which logs the failure itself before the engine reports it.
/// </summary>
[Collection(OrtCollection.Name)]
public sealed class NativeLoggingTests(SyntheticModelsFixture models)
{
    private string RuntimeFailingModel()
    {
        var src = models.Folder(WeightPrecision.Fp32);
        var dst = Path.Combine(models.Root, "fails-at-run");
        if (Directory.Exists(dst)) return dst;
        var tmp = dst + ".tmp";
        Directory.CreateDirectory(tmp);
        foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(tmp, Path.GetFileName(f)));
        // The embedding table keeps 1/8 of its rows: most prompt ids then index past its end, which only the
        // Gather kernel finds out, at run time (the graph still agrees with genai_config.json: logits are [.., vocab]).
        var model = OnnxModelInspector.Read(Path.Combine(tmp, "model.onnx"));
        var inits = model.Initializers.Select(t => t.Name == "model.embed_tokens.weight"
            ? t with { Dims = [t.Dims[0] / 8, t.Dims[1]], Length = t.Length / 8 }
            : t).ToList();
        OnnxModelWriter.Save(model with { Initializers = inits }, Path.Combine(tmp, "model.onnx"));
        Directory.Move(tmp, dst);
        return dst;
    }

    private static readonly string[] Quick = ["--batch", "1", "--prompt-tokens", "8", "--gen-tokens", "2", "--no-telemetry", "--warmup", "0", "--min-reps", "1", "--max-reps", "1", "--quiet"];

    [Fact]
    public void Ort_log_lines_reach_stderr_only_with_verbose()
    {
        var model = RuntimeFailingModel();
        using var tmp = new TempDir();
        foreach (var engine in new[] { "genai", "ort" })
        {
            var quiet = ChildCli.Run(tmp.Path, [.. Quick, "--model", model, "--engine", engine, "--results", tmp.Combine("r")]);
            var verbose = ChildCli.Run(tmp.Path, [.. Quick, "--model", model, "--engine", engine, "--results", tmp.Combine("r"), "--verbose"]);
            Assert.True(quiet.ExitCode == 7, $"{engine}: exit {quiet.ExitCode}: {quiet.Err}");
            var lines = quiet.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1 && lines[0].StartsWith("error: no scenario could run", StringComparison.Ordinal), $"{engine} stderr:\n{quiet.Err}");
            Assert.DoesNotContain("onnxruntime", lines[0][..20]);
            Assert.DoesNotContain("\u001b[", quiet.Err);
            // The same failure with --verbose: ORT's own line ("[E:onnxruntime:...]") is there.
            Assert.Equal(7, verbose.ExitCode);
            Assert.Contains(":onnxruntime:", verbose.Err);
        }
    }
}
