using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using InferenceEconomics.Cli.Serving;
using InferenceEconomics.Models;
using InferenceEconomics.Serving;
using InferenceEconomics.Tests.Models.Synthetic;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Serving;

/// <summary>
/// `serve` as a client sees it: a real Kestrel server on 127.0.0.1 (port 0) over ONNX Runtime GenAI's engine and the
/// synthetic tiny model, spoken to with a plain HttpClient.
/// </summary>
[Collection(OrtCollection.Name)]
public sealed class ServeTests(SyntheticModelsFixture models) : IAsyncLifetime
{
    private const string Name = "tiny-test";
    /// <summary>
    /// The bound on |client-measured time − server-stamped time| for TTFT and each inter-token gap on loopback
    /// (README "serve"): loopback delivery is well under a millisecond, the rest is a noisy shared machine.
    /// </summary>
    public static readonly TimeSpan TimingBound = TimeSpan.FromMilliseconds(250);

    private ServingEngine _engine = null!;
    private ServeHost _host = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public async Task InitializeAsync() => await StartAsync(new ServeSettings { Port = 0, MaxBatch = 4, BatchWindowMs = 300, ServedModelName = Name });

    private async Task StartAsync(ServeSettings settings)
    {
        var model = ModelResolver.FromFolder(models.Folder(WeightPrecision.Fp32), "synthetic:tiny");
        _engine = new ServingEngine(model, settings);
        var served = new ServedModel(Name, _engine.MaxRequestTokens, _engine.VocabSize, _engine.Codec);
        _host = await ServeHost.StartAsync(_engine, new ServedModelFacts(served, _engine.Policy, _engine.Info, _engine.Notes, settings), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(5));
        await _host.DisposeAsync();
        _engine.Dispose();
        _http.Dispose();
    }

    private Uri At(string path) => new(_host.Url, path);

    /// <summary>One SSE data line with the client's clock when it was read.</summary>
    private sealed record Received(string Data, long ClientUnixNs)
    {
        public JsonElement Json => JsonDocument.Parse(Data).RootElement;
    }

    private sealed record StreamResult(HttpResponseMessage Response, List<Received> Lines, long SentUnixNs)
    {
        public List<JsonElement> TokenChunks => Lines.Where(l => l.Data != "[DONE]").Select(l => l.Json)
            .Where(j => j.TryGetProperty("ie_token_id", out _)).ToList();
        public JsonElement Usage => Lines.Single(l => l.Data != "[DONE]" && l.Json.GetProperty("choices").GetArrayLength() == 0).Json.GetProperty("usage");
        public int[] TokenIds => TokenChunks.Select(c => c.GetProperty("ie_token_id").GetInt32()).ToArray();
    }

    private async Task<StreamResult> StreamAsync(string path, string body)
    {
        long sent = OpenAiWire.UnixNanosNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, At(path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var lines = new List<Received>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            long now = OpenAiWire.UnixNanosNow();
            if (line.Length == 0) continue;
            Assert.StartsWith("data: ", line, StringComparison.Ordinal);
            lines.Add(new Received(line["data: ".Length..], now));
        }
        return new StreamResult(response, lines, sent);
    }

    private static string Ids(int count, int first = 10) => "[" + string.Join(",", Enumerable.Range(first, count)) + "]";

    private static string Completion(string prompt, int maxTokens, bool usage = true) =>
        $$$"""{"model":"{{{Name}}}","prompt":{{{prompt}}},"max_tokens":{{{maxTokens}}},"ignore_eos":true,"stream":true,"stream_options":{"include_usage":{{{(usage ? "true" : "false")}}}}}""";

    [Fact]
    public async Task A_streamed_completion_has_one_chunk_per_token_a_finish_chunk_the_usage_and_DONE()
    {
        var r = await StreamAsync("/v1/completions", Completion(Ids(7), 5));
        Assert.Equal("[DONE]", r.Lines[^1].Data);
        // 5 token chunks, then the finish chunk (empty text, "length"), then usage, then [DONE]: 8 lines.
        Assert.Equal(8, r.Lines.Count);
        Assert.Equal(5, r.TokenChunks.Count);
        foreach (var c in r.TokenChunks)
        {
            Assert.Equal("text_completion", c.GetProperty("object").GetString());
            Assert.Equal(Name, c.GetProperty("model").GetString());
            var choice = c.GetProperty("choices")[0];
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
            // The stand-in text of a token is its id after a space.
            Assert.Equal(" " + c.GetProperty("ie_token_id").GetInt32().ToString(CultureInfo.InvariantCulture), choice.GetProperty("text").GetString());
        }
        var finish = r.Lines[5].Json.GetProperty("choices")[0];
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());
        Assert.Equal("", finish.GetProperty("text").GetString());
        Assert.Equal(7, r.Usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, r.Usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(12, r.Usage.GetProperty("total_tokens").GetInt32());
        // Every chunk is stamped, in the order written; the policy is in the headers.
        var stamps = r.Lines.SkipLast(1).Select(l => l.Json.GetProperty("ie_sent_unix_ns").GetInt64()).ToList();
        Assert.Equal(stamps.Order(), stamps);
        Assert.Equal("genai_engine_static;max_batch=4;window_ms=300", r.Response.Headers.GetValues(ServeHost.PolicyHeader).Single());
    }

    [Fact]
    public async Task Without_include_usage_no_usage_chunk_is_sent()
    {
        var r = await StreamAsync("/v1/completions", Completion(Ids(3), 2, usage: false));
        Assert.Equal(4, r.Lines.Count); // 2 tokens, finish, [DONE]
        Assert.DoesNotContain(r.Lines.SkipLast(1), l => l.Json.TryGetProperty("usage", out _));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(17, 64)]
    public async Task Token_id_prompts_and_max_tokens_give_exact_counts(int maxTokens, int promptTokens)
    {
        var r = await StreamAsync("/v1/completions", Completion(Ids(promptTokens, 100), maxTokens));
        Assert.Equal(maxTokens, r.TokenChunks.Count);
        Assert.Equal(promptTokens, r.Usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(maxTokens, r.Usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_chat_stream_opens_with_the_assistant_role_and_counts_the_stand_in_prompt_in_bytes()
    {
        var body = $$$"""{"model":"{{{Name}}}","messages":[{"role":"user","content":"hello"}],"max_completion_tokens":3,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}}""";
        var r = await StreamAsync("/v1/chat/completions", body);
        var first = r.Lines[0].Json;
        Assert.Equal("chat.completion.chunk", first.GetProperty("object").GetString());
        Assert.Equal("assistant", first.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(3, r.TokenChunks.Count);
        // "user: hello\n" is 4 + 2 + 5 + 1 = 12 bytes, one stand-in token each.
        Assert.Equal(12, r.Usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, r.Usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_request_that_does_not_stream_gets_the_whole_completion_with_usage()
    {
        using var response = await _http.PostAsync(At("/v1/completions"), new StringContent($$"""{"model":"{{Name}}","prompt":{{Ids(5)}},"max_tokens":4,"ignore_eos":true}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var text = doc.GetProperty("choices")[0].GetProperty("text").GetString()!;
        Assert.Equal(4, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(4, doc.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, doc.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_lists_the_served_model_its_context_and_the_batching_policy()
    {
        var doc = JsonDocument.Parse(await _http.GetStringAsync(At("/v1/models"))).RootElement;
        Assert.Equal("list", doc.GetProperty("object").GetString());
        var m = Assert.Single(doc.GetProperty("data").EnumerateArray());
        Assert.Equal(Name, m.GetProperty("id").GetString());
        Assert.Equal(2048, m.GetProperty("max_model_len").GetInt32()); // tiny: context_length = search.max_length = 2048
        var policy = m.GetProperty("ie_batching_policy");
        Assert.Equal("genai_engine_static", policy.GetProperty("name").GetString());
        Assert.Equal(4, policy.GetProperty("max_batch").GetInt32());
        Assert.Equal(300, policy.GetProperty("window_ms").GetDouble());
        Assert.Equal("byte_stand_in", m.GetProperty("ie_tokenizer").GetString());
        var codes = m.GetProperty("ie_notes").EnumerateArray().Select(n => n.GetProperty("code").GetString()).ToList();
        Assert.Equal(["synthetic_weights", "byte_stand_in_tokenizer", "static_batching"], codes);
    }

    [Fact]
    public async Task Four_requests_arriving_together_run_as_one_batch_and_get_the_tokens_they_get_alone()
    {
        // Greedy decoding: the same prompt gives the same tokens whether it runs alone or beside others.
        string[] prompts = [Ids(8, 20), Ids(8, 300), Ids(8, 4000), Ids(8, 7000)];
        var alone = new List<int[]>();
        foreach (var p in prompts)
        {
            var r = await StreamAsync("/v1/completions", Completion(p, 6));
            Assert.All(r.TokenChunks, c => Assert.Equal(1, c.GetProperty("ie_batch_size").GetInt32()));
            alone.Add(r.TokenIds);
        }
        var together = await Task.WhenAll(prompts.Select(p => StreamAsync("/v1/completions", Completion(p, 6))));
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(alone[i], together[i].TokenIds);
            // The 300 ms window gathers all four before the engine starts: every step holds the four sequences.
            Assert.All(together[i].TokenChunks, c => Assert.Equal(4, c.GetProperty("ie_batch_size").GetInt32()));
        }
        var stats = JsonDocument.Parse(await _http.GetStringAsync(At("/ie/stats"))).RootElement.GetProperty("steps_by_batch_size");
        Assert.True(stats.TryGetProperty("4", out var steps4) && steps4.GetInt64() >= 6, stats.ToString());
    }

    [Fact]
    public async Task Prompts_of_different_lengths_batched_together_each_end_at_their_own_length()
    {
        var bodies = new[] { (Ids(3), 2), (Ids(11, 50), 9), (Ids(6, 90), 5) };
        var results = await Task.WhenAll(bodies.Select(b => StreamAsync("/v1/completions", Completion(b.Item1, b.Item2))));
        for (int i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(bodies[i].Item2, results[i].TokenChunks.Count);
            Assert.Equal(bodies[i].Item2, results[i].Usage.GetProperty("completion_tokens").GetInt32());
        }
        Assert.Contains(results.SelectMany(r => r.TokenChunks), c => c.GetProperty("ie_batch_size").GetInt32() > 1);
    }

    [Fact]
    public async Task Client_TTFT_and_inter_token_gaps_agree_with_the_server_stamps_within_the_documented_bound()
    {
        var r = await StreamAsync("/v1/completions", Completion(Ids(32), 12));
        long received = long.Parse(r.Response.Headers.GetValues(ServeHost.ReceivedHeader).Single(), CultureInfo.InvariantCulture);
        var tokens = r.Lines.Where(l => l.Data != "[DONE]" && l.Json.TryGetProperty("ie_token_id", out _)).ToList();
        long[] server = tokens.Select(l => l.Json.GetProperty("ie_sent_unix_ns").GetInt64()).ToArray();
        long[] client = tokens.Select(l => l.ClientUnixNs).ToArray();
        long bound = TimingBound.Ticks * 100;
        // One clock on both sides: the server receives after the client sends, and a chunk is read after it was written.
        Assert.True(received >= r.SentUnixNs, $"server received at {received}, client sent at {r.SentUnixNs}");
        for (int i = 0; i < server.Length; i++) Assert.True(client[i] >= server[i], $"chunk {i} read at {client[i]} before it was sent at {server[i]}");
        long clientTtft = client[0] - r.SentUnixNs, serverTtft = server[0] - received;
        Assert.InRange(clientTtft - serverTtft, 0, bound);
        for (int i = 1; i < server.Length; i++)
            Assert.InRange(Math.Abs((client[i] - client[i - 1]) - (server[i] - server[i - 1])), 0, bound);
    }

    [Theory]
    [InlineData("/v1/completions", "{\"model\":", 400, null)]
    [InlineData("/v1/completions", "[1,2]", 400, null)]
    [InlineData("/v1/completions", "{\"model\":\"gpt-4\",\"prompt\":[1,2]}", 404, "model_not_found")]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\"}", 400, null)]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\",\"prompt\":[1,8192]}", 400, null)]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\",\"prompt\":[1,2],\"max_tokens\":0}", 400, null)]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\",\"prompt\":[1,2],\"max_tokens\":2047}", 400, "context_length_exceeded")]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\",\"prompt\":[1,2],\"max_tokens\":4,\"min_tokens\":5}", 400, null)]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\",\"prompt\":[[1,2],[3]]}", 400, null)]
    [InlineData("/v1/completions", "{\"model\":\"tiny-test\",\"prompt\":[1,2],\"n\":2}", 400, null)]
    [InlineData("/v1/chat/completions", "{\"model\":\"tiny-test\",\"messages\":[]}", 400, null)]
    [InlineData("/v1/chat/completions", "{\"model\":\"tiny-test\",\"messages\":[{\"content\":\"x\"}]}", 400, null)]
    public async Task Bad_requests_get_an_OpenAI_style_error(string path, string body, int status, string? code)
    {
        using var response = await _http.PostAsync(At(path), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (code is not null) Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_prompt_as_long_as_the_context_is_refused_before_it_reaches_the_engine()
    {
        using var response = await _http.PostAsync(At("/v1/completions"), new StringContent(Completion(Ids(2048, 3), 1)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("2048", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _engine.InFlight);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_frees_its_slot()
    {
        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, At("/v1/completions")) { Content = new StringContent(Completion(Ids(4), 1500)) };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            Assert.StartsWith("data: ", await reader.ReadLineAsync(cts.Token), StringComparison.Ordinal);
            cts.Cancel();
        }
        var sw = Stopwatch.StartNew();
        while (_engine.InFlight > 0 && sw.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        Assert.Equal(0, _engine.InFlight);
        // And the server still serves.
        var r = await StreamAsync("/v1/completions", Completion(Ids(3), 2));
        Assert.Equal(2, r.TokenChunks.Count);
    }

    [Fact]
    public async Task The_load_client_measures_serve_with_exact_lengths_and_carries_its_notes_and_policy()
    {
        // The project's own load client against the project's own server, as a user would load-test vLLM.
        using var dir = new TempDir();
        var plan = new InferenceEconomics.Load.LoadPlan
        {
            Settings = new LoadSettings
            {
                Endpoint = _host.Url.ToString(), Concurrency = [1, 4], WarmupRequests = 1, RequestsPerLevel = 8,
                InputTokens = LengthRange.Fixed(16), OutputTokens = LengthRange.Fixed(6), Slo = "ttft<=60s",
            },
            ResultsDir = dir.Path,
        };
        var outcome = await InferenceEconomics.Load.LoadOrchestrator.ExecuteAsync(plan, new ProjectPaths(Repo.Root), null, CancellationToken.None);
        var r = InferenceEconomics.Results.ResultStore.Load(outcome.Folder);

        Assert.Equal(RunStatus.Complete, r.Status);
        Assert.Equal(["c1", "c4"], r.Scenarios.Select(x => x.Id));
        // Token-id prompts and forced output: the server's usage equals what was asked, for every request.
        Assert.True(r.Endpoint!.TokenIdPrompts);
        Assert.All(r.Scenarios.SelectMany(x => x.Load!.Requests), q => { Assert.Null(q.Error); Assert.Equal(16, q.InputTokens); Assert.Equal(6, q.OutputTokens); });
        // The server's own notes and batching policy travel into the result: synthetic weights are labelled as such.
        Assert.Contains(r.Notes, n => n.Kind == NoteKind.Synthetic && n.Code == "server_synthetic_weights");
        Assert.Contains(r.Notes, n => n.Code == "server_static_batching");
        Assert.Contains("genai_engine_static", r.Endpoint.ServerInfo, StringComparison.Ordinal);
        Assert.Contains("synthetic weights", InferenceEconomics.Reporting.NoteText.ChartTags(Notes.OfRun(r)));
        // Four clients arrive together at c4: the server ran them as one batch (its own per-step statistics).
        using var stats = JsonDocument.Parse(await _http.GetStringAsync(At("/ie/stats")));
        Assert.True(stats.RootElement.GetProperty("steps_by_batch_size").TryGetProperty("4", out var four) && four.GetInt32() > 0, stats.RootElement.ToString());
    }
}
