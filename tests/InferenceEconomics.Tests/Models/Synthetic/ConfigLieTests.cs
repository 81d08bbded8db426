using System.Text.Json.Nodes;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>
/// A genai_config.json that disagrees with its graph is refused before anything loads (exit 4), and the one line
/// names the field, what the config says and what the graph has. Each row edits one field of a copy of a real
/// synthetic model (tiny: 4 layers, hidden 256, 4 heads, 2 KV heads, head 64, vocab 8192, context 2048, GQA).
/// </summary>
[Collection(OrtCollection.Name)]
public sealed class ConfigLieTests(SyntheticModelsFixture models)
{
    /// <summary>field, JSON path to change, new value, text the line must hold (config value and graph value, by hand from the preset).</summary>
    public static TheoryData<string, string, string, string> Lies => new()
    {
        { "num_hidden_layers", "model.decoder.num_hidden_layers", "5", "says num_hidden_layers 5, the graph has 4 (4 GroupQueryAttention nodes)" },
        { "num_key_value_heads", "model.decoder.num_key_value_heads", "4", "says num_key_value_heads 4, the graph has 2 (past_key_values.0.key dim 1)" },
        { "num_key_value_heads (fewer)", "model.decoder.num_key_value_heads", "1", "says num_key_value_heads 1, the graph has 2 (past_key_values.0.key dim 1)" },
        { "num_attention_heads", "model.decoder.num_attention_heads", "8", "says num_attention_heads 8, the graph has 4 (GroupQueryAttention node /model/layers.0/attn/GroupQueryAttention num_heads)" },
        { "head_size", "model.decoder.head_size", "32", "says head_size 32, the graph has 64 (past_key_values.0.key dim 3)" },
        { "hidden_size", "model.decoder.hidden_size", "512", "says hidden_size 512, the graph has 256 (model.embed_tokens.weight [8192, 256] dim 1)" },
        { "vocab_size", "model.vocab_size", "32000", "says vocab_size 32000, the graph has 8192 (logits dim 2)" },
        { "context_length", "model.context_length", "4096", "says context_length 4096, the graph holds rotary positions for 2048 tokens only (cos_cache [2048, 32] dim 0)" },
        { "input_ids name", "model.decoder.inputs.input_ids", "\"ids\"", "says inputs.input_ids ids, the graph has no input 'ids'" },
        { "attention_mask name", "model.decoder.inputs.attention_mask", "\"mask\"", "says inputs.attention_mask mask, the graph has no input 'mask'" },
        { "position_ids named but absent", "model.decoder.inputs.position_ids", "\"position_ids\"", "says inputs.position_ids position_ids, the graph has no input 'position_ids'" },
        { "past key names", "model.decoder.inputs.past_key_names", "\"past.%d.k\"", "says inputs.past_key_names past.%d.k, layer 0's past key is the graph input 'past_key_values.0.key', not 'past.0.k'" },
        { "past value names", "model.decoder.inputs.past_value_names", "\"past.%d.v\"", "says inputs.past_value_names past.%d.v, layer 0's past value is the graph input 'past_key_values.0.value', not 'past.0.v'" },
        { "present key names", "model.decoder.outputs.present_key_names", "\"present_key.%d\"", "says outputs.present_key_names present_key.%d, the graph has no output 'present_key.0'" },
        { "present value names", "model.decoder.outputs.present_value_names", "\"kv.%d.v\"", "says outputs.present_value_names kv.%d.v, the graph has no output 'kv.0.v'" },
        { "logits name", "model.decoder.outputs.logits", "\"scores\"", "says outputs.logits scores, the graph has no output 'scores'" },
    };

    private string CopyWith(string name, string jsonPath, string jsonValue)
    {
        var src = models.Folder(WeightPrecision.Int4);
        var dst = Path.Combine(models.Root, "lie-" + string.Concat(name.Where(char.IsLetterOrDigit)));
        Directory.CreateDirectory(dst);
        foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)), overwrite: true);
        var cfgPath = Path.Combine(dst, GenAiConfig.FileName);
        var root = JsonNode.Parse(File.ReadAllText(cfgPath))!;
        var parts = jsonPath.Split('.');
        var node = root;
        foreach (var p in parts[..^1]) node = node[p]!;
        node[parts[^1]] = JsonNode.Parse(jsonValue);
        File.WriteAllText(cfgPath, root.ToJsonString());
        return dst;
    }

    [Theory]
    [MemberData(nameof(Lies))]
    public void Config_that_contradicts_the_graph_is_refused_before_loading(string field, string jsonPath, string value, string expected)
    {
        var dir = CopyWith(field, jsonPath, value);
        using var results = new TempDir();
        var o = CliRunner.Run("--model", dir, "--results", results.Path, "--batch", "1", "--prompt-tokens", "8", "--gen-tokens", "2", "--no-telemetry", "--quiet");

        Assert.Equal(4, o.ExitCode);
        var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {Path.Combine(dir, GenAiConfig.FileName)} ", line);
        Assert.Contains(expected, line);
        Assert.EndsWith("fix the config or the model", line.Split(" (and ")[0]);
        Assert.Empty(Directory.GetFileSystemEntries(results.Path)); // refused before any engine or run folder
    }

    [Fact]
    public void The_check_returns_structured_errors_and_the_true_config_passes()
    {
        var dir = models.Folder(WeightPrecision.Fp32);
        var config = GenAiConfig.Load(dir);
        var graph = ModelGraphFacts.Read(Path.Combine(dir, "model.onnx"));
        Assert.Empty(ConfigGraphCheck.Check(config, graph));

        var lying = config with { NumKeyValueHeads = 8, VocabSize = 100 };
        var errors = ConfigGraphCheck.Check(lying, graph);
        Assert.Equal(["num_key_value_heads", "vocab_size"], errors.Select(e => e.Field));
        Assert.Equal(["8", "100"], errors.Select(e => e.Value));
        Assert.All(errors, e => Assert.Equal(ErrorKind.ModelConfigInvalid, e.Kind));
        var ex = Assert.Throws<ModelConfigException>(() => ConfigGraphCheck.ThrowIfMismatch(lying, graph, "genai_config.json"));
        Assert.Equal("genai_config.json says num_key_value_heads 8, the graph has 2 (past_key_values.0.key dim 1); fix the config or the model (and 1 more: vocab_size)", ex.Message);
        Assert.Equal(4, ex.ExitCode);
    }

    [Fact]
    public void A_graph_input_the_config_does_not_name_is_refused()
    {
        // attention_mask named as the ids input: the graph's real attention_mask input would never be fed.
        var dir = CopyWith("no-mask-name", "model.decoder.inputs.attention_mask", "\"input_ids\"");
        var o = CliRunner.Run("--model", dir, "--batch", "1", "--quiet");
        Assert.Equal(4, o.ExitCode);
        Assert.Contains("the graph has inputs that genai_config.json does not name; they would never be fed", o.Err);
        Assert.Contains("says inputs attention_mask,", o.Err);
    }
}
