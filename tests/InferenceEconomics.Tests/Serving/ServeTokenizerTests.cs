using System.Text.Json;
using InferenceEconomics.Cli.Serving;
using InferenceEconomics.Models;
using InferenceEconomics.Serving;
using InferenceEconomics.Tests.Synthetic;
using InferenceEconomics.Tests.TestSupport;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace InferenceEconomics.Tests.Serving;

/// <summary>`serve` over a builder model with tokenizer.json: text prompts go through GenAI's tokenizer.</summary>
[Collection(OrtCollection.Name)]
public sealed class ServeTokenizerTests
{
    [TestSupport.SharedModelFact]
    public async Task A_text_prompt_counts_the_tokens_the_models_own_tokenizer_gives()
    {
        const string prompt = "Hello world, this is a test of the tokenizer";
        // Independently: the managed GenAI API's tokenizer on its own Model object.
        int expected;
        using (var m = new Model(Repo.SharedTinyModel!))
        using (var t = new Tokenizer(m))
        using (var seqs = t.Encode(prompt))
            expected = seqs[0].Length;

        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        var settings = new ServeSettings { Port = 0, ServedModelName = "m" };
        using var engine = new ServingEngine(model, settings);
        Assert.Equal("genai_tokenizer", engine.Codec.Name);
        var served = new ServedModel("m", engine.MaxRequestTokens, engine.VocabSize, engine.Codec);
        await using var host = await ServeHost.StartAsync(engine, new ServedModelFacts(served, engine.Policy, engine.Info, engine.Notes, settings), CancellationToken.None);
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(host.Url, "/v1/completions"),
            new StringContent(JsonSerializer.Serialize(new { model = "m", prompt, max_tokens = 4, ignore_eos = true })));
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(expected, doc.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, doc.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.False(string.IsNullOrEmpty(doc.GetProperty("choices")[0].GetProperty("text").GetString()));
        await host.StopAsync(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(engine.Notes, n => n.Code == "byte_stand_in_tokenizer");
    }
}
