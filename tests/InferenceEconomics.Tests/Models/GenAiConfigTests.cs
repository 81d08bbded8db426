using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models;

public class GenAiConfigTests
{
    [SharedModelFact]
    public void Reads_the_official_builder_config()
    {
        var c = GenAiConfig.Load(Repo.SharedTinyModel!);
        Assert.Equal("llama", c.ModelType);
        Assert.Equal(2048, c.ContextLength);
        Assert.Equal(32000, c.VocabSize);
        Assert.Equal(2, c.NumHiddenLayers);
        Assert.Equal("position_ids", c.PositionIdsName);
        Assert.Equal([1], c.EosTokenIds);
        Assert.Equal(2, c.PadTokenId);
        Assert.Equal("past_key_values.1.value", GenAiConfig.PastKeyName(c.PastValueNames, 1));
    }

    [SharedModelFact]
    public void A_path_to_the_config_file_means_its_folder()
    {
        var m = new ModelResolver(new InferenceEconomics.Common.ProjectPaths(Repo.Root))
            .Resolve(Path.Combine(Repo.SharedTinyModel!, "genai_config.json"), new ModelRequest());
        Assert.Equal(Path.GetFullPath(Repo.SharedTinyModel!), m.Directory);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Combine("genai_config.json"), "{\n \"model\": {\n   \"type\": \"llama\",,\n }\n}");
        var e = Assert.Throws<InferenceEconomicsException>(() => GenAiConfig.Load(tmp.Path));
        Assert.Equal(ErrorKind.ModelConfigMalformed, e.Kind);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Missing_field_and_missing_file_are_config_errors()
    {
        using var tmp = new TempDir();
        var e1 = Assert.Throws<InferenceEconomicsException>(() => GenAiConfig.Load(tmp.Path));
        Assert.Equal(ErrorKind.ModelConfigInvalid, e1.Kind);
        File.WriteAllText(tmp.Combine("genai_config.json"), "{\"model\":{\"type\":\"llama\",\"vocab_size\":10,\"eos_token_id\":1,\"decoder\":{\"head_size\":4}}}");
        var e2 = Assert.ThrowsAny<InferenceEconomicsException>(() => GenAiConfig.Load(tmp.Path));
        Assert.Equal(ErrorKind.ModelConfigInvalid, e2.Kind);
        Assert.Contains("context_length", e2.Message);
    }

    [Fact]
    public void Eos_outside_vocabulary_is_rejected()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Combine("genai_config.json"),
            "{\"model\":{\"type\":\"llama\",\"context_length\":64,\"vocab_size\":10,\"eos_token_id\":[3,10],\"decoder\":{\"filename\":\"model.onnx\",\"head_size\":4,\"num_key_value_heads\":1,\"num_hidden_layers\":1}}}");
        var e = Assert.ThrowsAny<InferenceEconomicsException>(() => GenAiConfig.Load(tmp.Path));
        Assert.Contains("eos_token_id", e.Message);
    }
}
