using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace InferenceEconomics.Load;

/// <summary>One request to send: the lengths asked and the prompt (token ids for exact length, or text).</summary>
internal sealed record LoadRequest(int InputTokens, int OutputTokens, IReadOnlyList<int>? PromptIds, string? PromptText);

/// <summary>How requests are written: the route, the prompt form, whether the output length is forced.</summary>
internal sealed record RequestForm(LoadApi Api, bool TokenIds, bool ForceOutput);

/// <summary>
/// What one streamed request gave: Stopwatch ticks of the send and of every token chunk (the read that
/// delivered it), the server's usage figures, or the failure.
/// </summary>
internal sealed class RequestOutcome
{
    public long SendTicks { get; init; }
    public long EndTicks { get; set; }
    public List<long> ChunkTicks { get; } = [];
    public int? PromptTokens { get; set; }
    public int? CompletionTokens { get; set; }
    public LoadErrorKind? Error { get; set; }
    public string? ErrorDetail { get; set; }
    public int? HttpStatus { get; set; }
    /// <summary>The request this answers (the lengths asked).</summary>
    public LoadRequest? Asked { get; set; }
}

/// <summary>Thrown by the connect callback when connecting took longer than the connect timeout.</summary>
internal sealed class ConnectTimeoutException(string message) : Exception(message);

/// <summary>
/// A streaming client for OpenAI-compatible servers on HttpClient/SocketsHttpHandler: it sends one request
/// with stream=true and stream_options.include_usage, reads the SSE body as it arrives, stamps each read with
/// Stopwatch ticks, and classifies every failure (docs/metrics.md "Serving under load"). Thread-safe: one
/// instance serves every concurrent request. The API key is held only in the Authorization header.
/// </summary>
internal sealed class EndpointClient : IDisposable
{
    private static readonly byte[] DataPrefix = "data:"u8.ToArray();
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly LoadSettings _settings;

    public string Model { get; }

    public EndpointClient(LoadSettings settings, string model, string? apiKey)
    {
        _settings = settings;
        Model = model;
        _base = BaseUri(settings.Endpoint);
        var connectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            ConnectCallback = async (ctx, token) =>
            {
                // Our own connect, so a slow connect is told apart from a refused one, and Nagle is off.
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(connectTimeout);
                try
                {
                    await socket.ConnectAsync(ctx.DnsEndPoint, timeout.Token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    socket.Dispose();
                    throw new ConnectTimeoutException($"no connection within {settings.ConnectTimeoutSeconds:G} s");
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (apiKey is { Length: > 0 }) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>The base URL with a trailing /v1/ (given as host, host/ or host/v1).</summary>
    public static Uri BaseUri(string endpoint)
    {
        var text = endpoint.Trim().TrimEnd('/');
        if (!text.EndsWith("/v1", StringComparison.Ordinal)) text += "/v1";
        return new Uri(text + "/");
    }

    /// <summary>The URL as results show it: user info (user:password@) removed, never a key.</summary>
    public static string Display(string endpoint)
    {
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var u)) return endpoint;
        var b = new UriBuilder(u) { UserName = "", Password = "", Query = "" };
        return b.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>
    /// GET /v1/models: the ids served, the first model's other fields as text, and the honesty notes a server lists in
    /// "ie_notes" ([{kind, code, text}], as this tool's serve does: synthetic weights, static batching...), so a load
    /// run says what the server says about itself (null when the call fails).
    /// </summary>
    public async Task<(IReadOnlyList<string> Ids, string? Info, IReadOnlyList<Note> ServerNotes)?> ModelsAsync(CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(_settings.FirstTokenTimeoutSeconds));
            using var resp = await _http.GetAsync(new Uri(_base, "models"), cts.Token).ConfigureAwait(false);
            if (!resp.IsSuccessStatusCode) return null;
            using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false));
            if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return null;
            var ids = new List<string>();
            string? info = null;
            var serverNotes = new List<Note>();
            foreach (var m in data.EnumerateArray())
            {
                if (m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String) ids.Add(id.GetString()!);
                if (info is null)
                {
                    var extra = m.EnumerateObject().Where(p => p.Name is not ("id" or "object" or "created" or "owned_by" or "permission" or "root" or "parent"))
                        .Select(p => $"{p.Name}={Short(p.Value.ToString())}").ToList();
                    if (extra.Count > 0) info = string.Join("; ", extra);
                    if (m.TryGetProperty("ie_notes", out var listed) && listed.ValueKind == JsonValueKind.Array)
                        foreach (var n in listed.EnumerateArray())
                            if (n.ValueKind == JsonValueKind.Object && n.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                                && n.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                                serverNotes.Add(Notes.FromServer(n.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String ? Words.Parse<NoteKind>(kind.GetString()) : null,
                                    code.GetString()!, Short(text.GetString()!)));
                }
            }
            return (ids, info, serverNotes);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException) { return null; }
    }

    private static string Short(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>The JSON body of a request in the given form.</summary>
    public byte[] Body(LoadRequest r, RequestForm form)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (r.PromptIds?.Count ?? 0) * 6 + (r.PromptText?.Length ?? 0));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", Model);
            if (form.Api == LoadApi.Chat)
            {
                w.WriteStartArray("messages");
                w.WriteStartObject();
                w.WriteString("role", "user");
                w.WriteString("content", r.PromptText ?? "");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteNumber("max_completion_tokens", r.OutputTokens);
            }
            else if (form.TokenIds && r.PromptIds is not null)
            {
                w.WriteStartArray("prompt");
                foreach (var id in r.PromptIds) w.WriteNumberValue(id);
                w.WriteEndArray();
            }
            else w.WriteString("prompt", r.PromptText ?? "");
            w.WriteNumber("max_tokens", r.OutputTokens);
            if (form.ForceOutput)
            {
                w.WriteNumber("min_tokens", r.OutputTokens);
                w.WriteBoolean("ignore_eos", true);
            }
            w.WriteNumber("temperature", 0);
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private enum Wait { FirstToken, Idle, Total }

    /// <summary>Sends one streaming request and reads it to its end; never throws for a failure of the server (it is classified).</summary>
    public async Task<RequestOutcome> SendAsync(LoadRequest request, RequestForm form, CancellationToken ct)
    {
        var body = Body(request, form);
        using var msg = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, form.Api == LoadApi.Chat ? "chat/completions" : "completions"))
        {
            Content = new ByteArrayContent(body),
        };
        msg.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        msg.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long total = Stopwatch.GetTimestamp() + Ticks(_settings.RequestTimeoutSeconds);
        var wait = Wait.FirstToken;
        // One timer, re-armed after every read: the phase's limit, or what is left of the total when that is nearer.
        void Arm(Wait w, double seconds)
        {
            long left = total - Stopwatch.GetTimestamp();
            long phase = Ticks(seconds);
            wait = phase < left ? w : Wait.Total;
            cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(0, Math.Min(phase, left)) / (double)Stopwatch.Frequency));
        }

        var outcome = new RequestOutcome { SendTicks = Stopwatch.GetTimestamp() };
        Arm(Wait.FirstToken, _settings.FirstTokenTimeoutSeconds);
        byte[]? buffer = null;
        try
        {
            using var resp = await _http.SendAsync(msg, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            outcome.HttpStatus = (int)resp.StatusCode;
            if (!resp.IsSuccessStatusCode)
            {
                int code = (int)resp.StatusCode;
                outcome.Error = code == 429 ? LoadErrorKind.Http429 : code >= 500 ? LoadErrorKind.Http5xx : LoadErrorKind.Http4xx;
                outcome.ErrorDetail = $"HTTP {code} {resp.ReasonPhrase}".TrimEnd();
                return outcome;
            }
            await using var stream = await resp.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            var parser = new SseParser(form.Api);
            int start = 0, filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // A line longer than the buffer: grow (the unread part moves to the front first).
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, start, bigger, 0, filled - start);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                    filled -= start;
                    start = 0;
                }
                int n = await stream.ReadAsync(buffer.AsMemory(filled), cts.Token).ConfigureAwait(false);
                long now = Stopwatch.GetTimestamp();
                if (n == 0) break;
                filled += n;
                start = parser.Feed(buffer, start, filled, now, outcome);
                if (outcome.Error is not null) return outcome;
                if (parser.Done) break;
                if (start == filled) { start = 0; filled = 0; }
                else if (start > buffer.Length / 2)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                    start = 0;
                }
                // Until the first token the first-token limit runs on; after it, each read restarts the idle limit.
                if (outcome.ChunkTicks.Count > 0) Arm(Wait.Idle, _settings.IdleTimeoutSeconds);
            }
            if (!parser.Done)
            {
                outcome.Error = LoadErrorKind.IncompleteStream;
                outcome.ErrorDetail = "the stream ended without data: [DONE]";
            }
            return outcome;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            outcome.Error = wait switch
            {
                Wait.FirstToken => LoadErrorKind.TimeoutFirstToken,
                Wait.Idle => LoadErrorKind.TimeoutIdle,
                _ => LoadErrorKind.TimeoutTotal,
            };
            outcome.ErrorDetail = wait switch
            {
                Wait.FirstToken => $"no token within {_settings.FirstTokenTimeoutSeconds:G} s",
                Wait.Idle => $"no chunk for {_settings.IdleTimeoutSeconds:G} s after {outcome.ChunkTicks.Count} token chunk(s)",
                _ => $"not finished within {_settings.RequestTimeoutSeconds:G} s",
            };
            return outcome;
        }
        catch (HttpRequestException e) when (Find<ConnectTimeoutException>(e) is { } t)
        {
            outcome.Error = LoadErrorKind.TimeoutConnect;
            outcome.ErrorDetail = t.Message;
            return outcome;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // Refused or reset before any response: a connect error; broken after the headers: an incomplete stream.
            bool connect = outcome.HttpStatus is null;
            outcome.Error = connect ? LoadErrorKind.Connect : LoadErrorKind.IncompleteStream;
            outcome.ErrorDetail = Short(Find<SocketException>(e)?.Message ?? e.Message);
            return outcome;
        }
        finally
        {
            outcome.EndTicks = Stopwatch.GetTimestamp();
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }

    internal static long Ticks(double seconds) => (long)Math.Min(seconds * Stopwatch.Frequency, long.MaxValue / 4.0);

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Splits SSE bytes into lines and reads each "data:" event: [DONE], an error event, a token chunk
    /// (completions: any chunk with choices, as vLLM counts; chat: a delta with content), the usage figures.
    /// </summary>
    internal sealed class SseParser(LoadApi api)
    {
        public bool Done { get; private set; }

        /// <summary>Reads every whole line in buffer[start..end); returns where the unread part starts.</summary>
        public int Feed(byte[] buffer, int start, int end, long ticks, RequestOutcome outcome)
        {
            while (start < end && !Done)
            {
                int nl = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                if (nl < 0) break;
                var line = buffer.AsSpan(start, nl - start);
                start = nl + 1;
                if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
                if (line.IsEmpty || line[0] == (byte)':') continue; // event end, comment (keep-alive)
                if (!line.StartsWith(DataPrefix))
                {
                    if (line.StartsWith("event:"u8) || line.StartsWith("id:"u8) || line.StartsWith("retry:"u8)) continue;
                    return Fail(outcome, "a line that is not an SSE field: " + Preview(line), start);
                }
                var data = line[DataPrefix.Length..];
                if (!data.IsEmpty && data[0] == (byte)' ') data = data[1..];
                if (data.SequenceEqual("[DONE]"u8)) { Done = true; break; }
                if (!Event(data, ticks, outcome)) return start;
            }
            return start;
        }

        private static int Fail(RequestOutcome o, string detail, int at)
        {
            o.Error = LoadErrorKind.MalformedStream;
            o.ErrorDetail = detail;
            return at;
        }

        private static string Preview(ReadOnlySpan<byte> s)
        {
            var text = Encoding.UTF8.GetString(s[..Math.Min(s.Length, 60)]);
            return "'" + text + (s.Length > 60 ? "…" : "") + "'";
        }

        private bool Event(ReadOnlySpan<byte> data, long ticks, RequestOutcome o)
        {
            try
            {
                var reader = new Utf8JsonReader(data);
                using var doc = JsonDocument.ParseValue(ref reader);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { Fail(o, "a data line that is not a JSON object: " + Preview(data), 0); return false; }
                if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
                {
                    o.Error = LoadErrorKind.StreamError;
                    o.ErrorDetail = "error event: " + Short(error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.ToString() : error.ToString());
                    return false;
                }
                bool known = false;
                if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
                {
                    known = true;
                    if (choices.GetArrayLength() > 0 && IsToken(choices[0])) o.ChunkTicks.Add(ticks);
                }
                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    known = true;
                    if (usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out int pt)) o.PromptTokens = pt;
                    if (usage.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out int ctk)) o.CompletionTokens = ctk;
                }
                if (!known) { Fail(o, "a JSON event with neither choices nor usage: " + Preview(data), 0); return false; }
                return true;
            }
            catch (JsonException)
            {
                Fail(o, "a data line that is not JSON: " + Preview(data), 0);
                return false;
            }
        }

        private bool IsToken(JsonElement choice)
        {
            if (choice.ValueKind != JsonValueKind.Object) return false;
            if (api == LoadApi.Completions) return true;
            if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object) return false;
            return delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
                || delta.TryGetProperty("reasoning_content", out var rc) && rc.ValueKind == JsonValueKind.String;
        }
    }
}
