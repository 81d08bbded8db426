using System.Text.Json.Nodes;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models;

/// <summary>
/// A genai_config.json field of the wrong JSON type, a missing required field or a count that is not positive is
/// exit 4 with one line naming the field and what it must be (never an internal failure); broken JSON stays exit 13.
/// </summary>
public class GenAiConfigTypeTests
{
    private const string Valid = """
        {"model": {"bos_token_id": 1, "context_length": 2048, "eos_token_id": 2, "pad_token_id": 2, "type": "llama", "vocab_size": 8192,
          "decoder": {"filename": "model.onnx", "head_size": 64, "hidden_size": 256, "num_attention_heads": 4, "num_hidden_layers": 4, "num_key_value_heads": 2,
            "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
            "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask", "past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value"},
            "outputs": {"logits": "logits", "present_key_names": "present.%d.key", "present_value_names": "present.%d.value"}}},
         "search": {"max_length": 2048, "past_present_share_buffer": true}}
        """;

    public static TheoryData<string, string?, string> Cases => new()
    {
        // JSON path, new value (null = remove the field), text the line must hold
        { "model.eos_token_id", "\"2\"", "model.eos_token_id must be an integer or an array of integers, not a string \"2\"" },
        { "model.eos_token_id", "null", "model.eos_token_id must be an integer or an array of integers, not null" },
        { "model.eos_token_id", "[2, \"x\"]", "model.eos_token_id must be an integer or an array of integers, not a string \"x\"" },
        { "model.eos_token_id", "[2, 2.5]", "model.eos_token_id must be an integer or an array of integers, not 2.5" },
        { "model.eos_token_id", "[]", "model.eos_token_id must be an integer or an array of integers (at least one), not an array []" },
        { "model.eos_token_id", "{}", "model.eos_token_id must be an integer or an array of integers, not an object {}" },
        { "model.eos_token_id", "9000", "model.eos_token_id must hold tokens of the vocabulary (ids 0 to 8191, vocab_size 8192), not 9000" },
        { "model.eos_token_id", null, "model.eos_token_id is missing (it must be an integer or an array of integers)" },
        { "model.bos_token_id", "\"1\"", "model.bos_token_id must be a non-negative integer, not a string \"1\"" },
        { "model.pad_token_id", "-1", "model.pad_token_id must be a non-negative integer, not -1" },
        { "model.decoder.inputs.input_ids", "5", "model.decoder.inputs.input_ids must be a non-empty string, not 5" },
        { "model.decoder.inputs.attention_mask", "null", "model.decoder.inputs.attention_mask must be a non-empty string, not null" },
        { "model.decoder.inputs.past_key_names", "[\"a\"]", "model.decoder.inputs.past_key_names must be a non-empty string, not an array [\"a\"]" },
        { "model.decoder.inputs.past_key_names", "\"past_key\"", "model.decoder.inputs.past_key_names must hold %d where the layer number goes, not a string \"past_key\"" },
        { "model.decoder.outputs.logits", "true", "model.decoder.outputs.logits must be a non-empty string, not the boolean true" },
        { "model.decoder.inputs", "\"input_ids\"", "model.decoder.inputs must be a JSON object, not a string \"input_ids\"" },
        { "search.past_present_share_buffer", "\"true\"", "search.past_present_share_buffer must be true or false, not a string \"true\"" },
        { "search.past_present_share_buffer", "1", "search.past_present_share_buffer must be true or false, not 1" },
        { "model.decoder.num_key_value_heads", "-2", "model.decoder.num_key_value_heads must be a positive integer, not -2" },
        { "model.decoder.num_attention_heads", "-4", "model.decoder.num_attention_heads must be a positive integer, not -4" },
        { "model.decoder.num_hidden_layers", "0", "model.decoder.num_hidden_layers must be a positive integer, not 0" },
        { "model.decoder.hidden_size", "-256", "model.decoder.hidden_size must be a positive integer, not -256" },
        { "model.decoder.head_size", "64.5", "model.decoder.head_size must be a positive integer, not 64.5" },
        { "model.vocab_size", "\"8192\"", "model.vocab_size must be a positive integer, not a string \"8192\"" },
        { "model.context_length", "4e9", "model.context_length must be a positive integer, not 4e9" },
        { "model.decoder.head_size", null, "model.decoder.head_size is missing (it must be a positive integer)" },
        { "model.decoder.filename", "\"\"", "model.decoder.filename must be a non-empty string, not a string \"\"" },
        { "model.type", null, "model.type is missing (it must be a non-empty string)" },
        { "model.decoder", "[]", "model.decoder must be a JSON object, not an array []" },
        { "model.decoder.session_options.provider_options", "{\"cuda\": {}}", "model.decoder.session_options.provider_options must be an array of objects, not an object {\"cuda\":{}}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wrong_types_are_exit_4_naming_the_field(string jsonPath, string? value, string expected)
    {
        using var tmp = new TempDir();
        var root = JsonNode.Parse(Valid)!;
        var parts = jsonPath.Split('.');
        var node = root;
        foreach (var p in parts[..^1]) node = node[p]!;
        if (value is null) node.AsObject().Remove(parts[^1]);
        else node[parts[^1]] = JsonNode.Parse(value);
        File.WriteAllText(tmp.Combine(GenAiConfig.FileName), root.ToJsonString());

        var o = CliRunner.Run("--model", tmp.Path, "--results", tmp.Combine("r"), "--quiet");

        Assert.Equal(4, o.ExitCode);
        var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {tmp.Combine(GenAiConfig.FileName)}: {expected}; fix the field or regenerate the file with the model builder", line);
        var e = Assert.Throws<ModelConfigException>(() => GenAiConfig.Load(tmp.Path));
        Assert.Equal(jsonPath, e.Errors.Single().Field);
    }

    [Fact]
    public void The_valid_base_config_reads()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Combine(GenAiConfig.FileName), Valid);
        var c = GenAiConfig.Load(tmp.Path);
        Assert.Equal((4, 2, 64, 256, 8192, true), (c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadSize, c.HiddenSize, c.VocabSize, c.PastPresentShareBuffer));
    }

    [Fact]
    public void Broken_json_is_still_exit_13()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Combine(GenAiConfig.FileName), Valid.Replace("\"type\": \"llama\",", "\"type\": \"llama\",,"));
        Assert.Equal(13, CliRunner.Run("--model", tmp.Path, "--quiet").ExitCode);
    }
}
