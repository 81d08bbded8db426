using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InferenceEconomics.Serving;

/// <summary>The two generation endpoints.</summary>
public enum OpenAiEndpoint { Completions, ChatCompletions }

/// <summary>A request refused with OpenAI's error shape: {"error":{"message","type","param","code"}} and an HTTP status.</summary>
public sealed class OpenAiError(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error") : Exception(message)
{
    /// <summary>Quotes, apostrophes and angle brackets as they are, as OpenAI's own responses write them.</summary>
    internal static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Status => status;
    public string? Param => param;
    public string? Code => code;
    public string Type => type;

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", Message);
            w.WriteString("type", Type);
            if (Param is null) w.WriteNull("param"); else w.WriteString("param", Param);
            if (Code is null) w.WriteNull("code"); else w.WriteString("code", Code);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>What the server serves, as request validation needs it.</summary>
public sealed record ServedModel(string Name, int MaxRequestTokens, int VocabSize, TextCodec Codec);

/// <summary>A validated generation request.</summary>
public sealed record OpenAiRequest(OpenAiEndpoint Endpoint, string Model, ServeJob Job, bool Stream, bool IncludeUsage);

/// <summary>
/// OpenAI's wire format for /v1/completions and /v1/chat/completions, as vLLM accepts it: token-id prompts,
/// max_tokens (max_completion_tokens for chat), min_tokens and ignore_eos, stream with stream_options.include_usage.
/// Fields this server does not know are ignored, as OpenAI-compatible servers do; ones it cannot honour are refused.
/// </summary>
public static class OpenAiWire
{
    /// <summary>OpenAI's default max_tokens for /v1/completions; chat defaults to what the context leaves.</summary>
    public const int DefaultCompletionMaxTokens = 16;

    public static OpenAiRequest Parse(ReadOnlySpan<byte> body, OpenAiEndpoint endpoint, ServedModel served)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body.ToArray()); }
        catch (JsonException e) { throw new OpenAiError(400, $"the request body is not valid JSON: {JsonErrorText.Reason(e)} at {JsonErrorText.Where(e)}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new OpenAiError(400, "the request body must be a JSON object");
            var model = String(root, "model") ?? throw new OpenAiError(400, "\"model\" is required (a string); this server serves \"" + served.Name + "\"", "model");
            if (model != served.Name)
                throw new OpenAiError(404, $"The model '{model}' does not exist; this server serves '{served.Name}'", "model", "model_not_found");
            if (Int(root, "n") is { } n && n != 1) throw new OpenAiError(400, "only n = 1 is supported", "n");
            if (root.TryGetProperty("stop", out var stop) && stop.ValueKind != JsonValueKind.Null)
                throw new OpenAiError(400, "stop sequences are not supported by this server; leave \"stop\" out", "stop");
            if (root.TryGetProperty("best_of", out var bestOf) && bestOf.ValueKind != JsonValueKind.Null && !(bestOf.TryGetInt32(out int b) && b == 1))
                throw new OpenAiError(400, "only best_of = 1 is supported", "best_of");

            int[] prompt = endpoint == OpenAiEndpoint.Completions ? CompletionPrompt(root, served) : ChatPrompt(root, served);
            if (prompt.Length == 0) throw new OpenAiError(400, "the prompt is empty", endpoint == OpenAiEndpoint.Completions ? "prompt" : "messages");
            int limit = served.MaxRequestTokens;
            if (prompt.Length >= limit)
                throw new OpenAiError(400, $"This model's maximum context length is {limit} tokens. However, the prompt has {prompt.Length} tokens; reduce the prompt.", endpoint == OpenAiEndpoint.Completions ? "prompt" : "messages", "context_length_exceeded");

            string maxName = endpoint == OpenAiEndpoint.ChatCompletions && root.TryGetProperty("max_completion_tokens", out var mct) && mct.ValueKind != JsonValueKind.Null ? "max_completion_tokens" : "max_tokens";
            int? asked = Int(root, maxName);
            if (asked is < 1) throw new OpenAiError(400, $"{maxName} must be at least 1", maxName);
            int maxTokens = asked ?? (endpoint == OpenAiEndpoint.Completions ? Math.Min(DefaultCompletionMaxTokens, limit - prompt.Length) : limit - prompt.Length);
            if (prompt.Length + maxTokens > limit)
                throw new OpenAiError(400, $"This model's maximum context length is {limit} tokens. However, you requested {prompt.Length + maxTokens} tokens ({prompt.Length} in the prompt, {maxTokens} for the completion). Please reduce the prompt or {maxName}.", maxName, "context_length_exceeded");

            int minTokens = Int(root, "min_tokens") ?? 0;
            if (minTokens < 0 || minTokens > maxTokens) throw new OpenAiError(400, $"min_tokens must be from 0 to {maxName} ({maxTokens})", "min_tokens");
            if (Bool(root, "ignore_eos") == true) minTokens = maxTokens;

            double temperature = Number(root, "temperature") ?? 0;
            if (!double.IsFinite(temperature) || temperature < 0 || temperature > 2) throw new OpenAiError(400, "temperature must be from 0 to 2", "temperature");
            double? topP = Number(root, "top_p");
            if (topP is { } tp && (!double.IsFinite(tp) || tp <= 0 || tp > 1)) throw new OpenAiError(400, "top_p must be above 0 and at most 1", "top_p");
            long? seed = Long(root, "seed");

            bool stream = Bool(root, "stream") ?? false;
            bool includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object && (Bool(so, "include_usage") ?? false);
            var job = new ServeJob
            {
                PromptIds = prompt, MaxTokens = maxTokens, MinTokens = minTokens, Temperature = temperature, TopP = topP,
                Seed = seed is { } s ? unchecked((ulong)s) : null,
            };
            return new OpenAiRequest(endpoint, model, job, stream, includeUsage);
        }
    }

    private static int[] CompletionPrompt(JsonElement root, ServedModel served)
    {
        if (!root.TryGetProperty("prompt", out var p) || p.ValueKind == JsonValueKind.Null)
            throw new OpenAiError(400, "\"prompt\" is required: a string or an array of token ids", "prompt");
        if (p.ValueKind == JsonValueKind.String) return served.Codec.Encode(p.GetString()!);
        if (p.ValueKind != JsonValueKind.Array) throw new OpenAiError(400, "\"prompt\" must be a string or an array of token ids", "prompt");
        int count = p.GetArrayLength();
        if (count == 0) return [];
        var first = p[0];
        if (first.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            if (count > 1) throw new OpenAiError(400, $"{count} prompts in one request are not supported; send one request per prompt", "prompt");
            return first.ValueKind == JsonValueKind.String ? served.Codec.Encode(first.GetString()!) : TokenIds(first, served);
        }
        return TokenIds(p, served);
    }

    private static int[] TokenIds(JsonElement array, ServedModel served)
    {
        var ids = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int id))
                throw new OpenAiError(400, $"prompt token {i} is not an integer token id", "prompt");
            if (id < 0 || id >= served.VocabSize)
                throw new OpenAiError(400, $"prompt token {i} is {id}, outside the vocabulary (0 to {served.VocabSize - 1})", "prompt");
            ids[i++] = id;
        }
        return ids;
    }

    private static int[] ChatPrompt(JsonElement root, ServedModel served)
    {
        if (!root.TryGetProperty("messages", out var m) || m.ValueKind != JsonValueKind.Array || m.GetArrayLength() == 0)
            throw new OpenAiError(400, "\"messages\" is required: a non-empty array of {role, content}", "messages");
        var messages = new List<ChatMessage>();
        foreach (var e in m.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || String(e, "role") is not { } role)
                throw new OpenAiError(400, $"messages[{messages.Count}] needs a \"role\" string", "messages");
            messages.Add(new ChatMessage(role, Content(e, messages.Count)));
        }
        try { return served.Codec.EncodeChat(messages); }
        catch (GenAiNativeException e) { throw new OpenAiError(400, $"the model's chat template could not render the messages: {e.FirstLine}", "messages"); }
    }

    /// <summary>content as a string, or OpenAI's array of parts of which only text parts are accepted.</summary>
    private static string Content(JsonElement message, int index)
    {
        if (!message.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null) return "";
        if (c.ValueKind == JsonValueKind.String) return c.GetString()!;
        if (c.ValueKind != JsonValueKind.Array) throw new OpenAiError(400, $"messages[{index}].content must be a string or an array of text parts", "messages");
        var sb = new StringBuilder();
        foreach (var part in c.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || String(part, "type") != "text" || String(part, "text") is not { } text)
                throw new OpenAiError(400, $"messages[{index}].content: only text parts are supported", "messages");
            sb.Append(text);
        }
        return sb.ToString();
    }

    private static string? String(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new OpenAiError(400, $"\"{name}\" must be a string", name);
    }

    private static int? Int(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new OpenAiError(400, $"\"{name}\" must be an integer", name);
    }

    private static long? Long(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) ? i : throw new OpenAiError(400, $"\"{name}\" must be an integer", name);
    }

    private static double? Number(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new OpenAiError(400, $"\"{name}\" must be a number", name);
    }

    private static bool? Bool(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new OpenAiError(400, $"\"{name}\" must be true or false", name);
    }

    /// <summary>Nanoseconds since the Unix epoch on the system clock (100 ns resolution).</summary>
    public static long UnixNanosNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}

/// <summary>
/// Writes one request's response objects. Streaming chunks carry two extra fields: ie_sent_unix_ns (the server's
/// clock when it wrote the chunk, ns since the Unix epoch) and ie_batch_size (the sequences in the engine step that
/// made the token); token chunks also carry ie_token_id. The chunk that ends a choice has empty text and its
/// finish_reason, as OpenAI's streams do.
/// </summary>
public sealed class ResponseWriter(OpenAiRequest request, string id, long created)
{
    private static JsonWriterOptions Relaxed => OpenAiError.Relaxed;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private bool Chat => request.Endpoint == OpenAiEndpoint.ChatCompletions;

    public static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>An SSE event holding a chunk: a token's text (finishReason null) or the end of the choice (text empty).</summary>
    public ReadOnlyMemory<byte> Chunk(string text, string? finishReason, int batchSize, int? tokenId, bool first)
    {
        return Sse(w =>
        {
            Header(w, Chat ? "chat.completion.chunk" : "text_completion");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            if (Chat)
            {
                w.WriteStartObject("delta");
                if (first) w.WriteString("role", "assistant");
                if (finishReason is null || text.Length > 0) w.WriteString("content", text);
                w.WriteEndObject();
            }
            else w.WriteString("text", text);
            w.WriteNull("logprobs");
            if (finishReason is null) w.WriteNull("finish_reason"); else w.WriteString("finish_reason", finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            if (request.IncludeUsage) w.WriteNull("usage");
            if (tokenId is { } t) w.WriteNumber("ie_token_id", t);
            w.WriteNumber("ie_batch_size", batchSize);
            w.WriteNumber("ie_sent_unix_ns", OpenAiWire.UnixNanosNow());
        });
    }

    /// <summary>The usage chunk (stream_options.include_usage): no choices, the token counts.</summary>
    public ReadOnlyMemory<byte> UsageChunk(int promptTokens, int completionTokens, int maxBatchSize) => Sse(w =>
    {
        Header(w, Chat ? "chat.completion.chunk" : "text_completion");
        w.WriteStartArray("choices");
        w.WriteEndArray();
        Usage(w, promptTokens, completionTokens);
        w.WriteNumber("ie_batch_size", maxBatchSize);
        w.WriteNumber("ie_sent_unix_ns", OpenAiWire.UnixNanosNow());
    });

    /// <summary>An error after the stream began (the status is already sent): data: {"error": ...}.</summary>
    public static byte[] ErrorEvent(OpenAiError e) => [.. "data: "u8, .. e.ToJson(), .. "\n\n"u8];

    /// <summary>The whole response of a request that did not ask to stream.</summary>
    public byte[] Complete(string text, string finishReason, int promptTokens, int completionTokens, int maxBatchSize)
    {
        Write(w =>
        {
            Header(w, Chat ? "chat.completion" : "text_completion");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            if (Chat)
            {
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", text);
                w.WriteEndObject();
            }
            else w.WriteString("text", text);
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            Usage(w, promptTokens, completionTokens);
            w.WriteNumber("ie_batch_size", maxBatchSize);
        });
        return _buffer.WrittenSpan.ToArray();
    }

    private void Header(Utf8JsonWriter w, string objectName)
    {
        w.WriteString("id", id);
        w.WriteString("object", objectName);
        w.WriteNumber("created", created);
        w.WriteString("model", request.Model);
    }

    private static void Usage(Utf8JsonWriter w, int prompt, int completion)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("completion_tokens", completion);
        w.WriteNumber("total_tokens", prompt + completion);
        w.WriteEndObject();
    }

    private ReadOnlyMemory<byte> Sse(Action<Utf8JsonWriter> body)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(_buffer, Relaxed)) { w.WriteStartObject(); body(w); w.WriteEndObject(); }
        _buffer.Write("\n\n"u8);
        return _buffer.WrittenMemory;
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        _buffer.ResetWrittenCount();
        using var w = new Utf8JsonWriter(_buffer, Relaxed);
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    }
}

/// <summary>Formatting shared by the host: ids, the Unix second of "created".</summary>
public static class OpenAiIds
{
    private static long _next;
    public static string New(OpenAiEndpoint e) => (e == OpenAiEndpoint.ChatCompletions ? "chatcmpl-" : "cmpl-") + Interlocked.Increment(ref _next).ToString("x", CultureInfo.InvariantCulture);
}
