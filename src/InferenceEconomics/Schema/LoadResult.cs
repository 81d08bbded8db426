namespace InferenceEconomics.Schema;

/// <summary>What a scenario measured: a static batch (prefill + decode steps of B sequences) or a load level.</summary>
public enum ScenarioKind
{
    /// <summary>B sequences of P prompt and G generated tokens, run together (llama-bench's view).</summary>
    Static,
    /// <summary>Requests streamed from an OpenAI-compatible server at one concurrency or arrival rate.</summary>
    Load,
}

/// <summary>How a load level drives its requests.</summary>
public enum LoadShape
{
    /// <summary>N clients, each sends its next request when its previous one ends.</summary>
    Closed,
    /// <summary>Arrivals at a rate, independent of completions.</summary>
    Open,
}

/// <summary>Why a request failed (docs/metrics.md "Serving under load").</summary>
public enum LoadErrorKind
{
    /// <summary>The connection was refused or reset before a response.</summary>
    Connect,
    /// <summary>An HTTP 4xx other than 429.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("http_4xx")] Http4xx,
    /// <summary>HTTP 429: rate limited.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("http_429")] Http429,
    /// <summary>An HTTP 5xx.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("http_5xx")] Http5xx,
    /// <summary>A data line that is not a JSON event of the API.</summary>
    MalformedStream,
    /// <summary>The stream ended without its [DONE] line.</summary>
    IncompleteStream,
    /// <summary>An error event inside the stream ({"error": ...}).</summary>
    StreamError,
    TimeoutConnect,
    TimeoutFirstToken,
    /// <summary>A silence between two chunks longer than the idle timeout (a stall).</summary>
    TimeoutIdle,
    TimeoutTotal,
}

/// <summary>One request of a load level: times in seconds, token counts as the server's usage gave them.</summary>
public sealed record LoadRequestSample
{
    /// <summary>Send time, seconds after the level's first measured send.</summary>
    public required double StartOffset { get; init; }
    public required int AskedInputTokens { get; init; }
    public required int AskedOutputTokens { get; init; }
    /// <summary>Null when the request failed.</summary>
    public LoadErrorKind? Error { get; init; }
    /// <summary>A short reason for a failure (status code, what was malformed); never request headers or keys.</summary>
    public string? ErrorDetail { get; init; }
    /// <summary>First token chunk - send; null when none came.</summary>
    public double? TtftSeconds { get; init; }
    /// <summary>Last token chunk - send (vLLM's E2EL).</summary>
    public double? E2eSeconds { get; init; }
    /// <summary>Gaps between successive token chunks.</summary>
    public IReadOnlyList<double> ItlSeconds { get; init; } = [];
    /// <summary>The server's usage figures (null when it sent none).</summary>
    public int? InputTokens { get; init; }
    public int? OutputTokens { get; init; }
    /// <summary>Token chunks received (the output count when the server sent no usage).</summary>
    public int Chunks { get; init; }
    /// <summary>Met every bound of the level's SLO (null: no SLO, or the request failed).</summary>
    public bool? MetSlo { get; init; }

    [System.Text.Json.Serialization.JsonIgnore] public bool Ok => Error is null;

    /// <summary>Output tokens: usage when given, else the chunk count.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public int OutputCount => OutputTokens ?? Chunks;

    /// <summary>vLLM's TPOT: (E2EL - TTFT) / (output - 1); null for one output token or fewer.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? TpotSeconds => Ok && OutputCount > 1 && E2eSeconds is { } e && TtftSeconds is { } t ? (e - t) / (OutputCount - 1) : null;
}

/// <summary>One load level: its shape, the measured window and every request.</summary>
public sealed record LoadLevel
{
    public required LoadShape Shape { get; init; }
    /// <summary>Closed loop: the number of clients; open loop: the in-flight cap (null: none).</summary>
    public int? Concurrency { get; init; }
    /// <summary>Open loop: requests per second asked for.</summary>
    public double? RatePerSecond { get; init; }
    public ArrivalKind? Arrival { get; init; }
    /// <summary>First measured send to the last measured request's end, seconds (warm-up excluded).</summary>
    public required double DurationSeconds { get; init; }
    public required int WarmupRequests { get; init; }
    /// <summary>"count" (requests per level reached), "time" (duration reached) or "interrupted".</summary>
    public required string StoppedBy { get; init; }
    /// <summary>Most requests in flight at once during the window.</summary>
    public int PeakInFlight { get; init; }
    /// <summary>Open loop: how late the client sent requests against their planned arrival times (median, 99th percentile), seconds.</summary>
    public double? SendLatenessP50Seconds { get; init; }
    public double? SendLatenessP99Seconds { get; init; }
    /// <summary>The SLO goodput was counted against (its text); null: none given.</summary>
    public string? Slo { get; init; }
    public required IReadOnlyList<LoadRequestSample> Requests { get; init; }

    [System.Text.Json.Serialization.JsonIgnore] public int Completed => Requests.Count(r => r.Ok);
    [System.Text.Json.Serialization.JsonIgnore] public int Failed => Requests.Count(r => !r.Ok);

    /// <summary>Failures per kind, in the enum's order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<(LoadErrorKind Kind, int Count)> ErrorsByKind =>
        Requests.Where(r => r.Error is not null).GroupBy(r => r.Error!.Value).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
}

/// <summary>The endpoint a load run measured (never its key).</summary>
public sealed record EndpointInfo
{
    /// <summary>The base URL as given, user info removed.</summary>
    public required string Url { get; init; }
    public required string ServedModel { get; init; }
    public required LoadApi Api { get; init; }
    /// <summary>Prompts were token ids (exact length), else text (approximate).</summary>
    public required bool TokenIdPrompts { get; init; }
    /// <summary>The name of the key's variable when one was sent; the key itself is never recorded.</summary>
    public string? ApiKeyEnv { get; init; }
    /// <summary>What the server's /v1/models said about itself beyond ids (e.g. a batching policy), when it said anything.</summary>
    public string? ServerInfo { get; init; }
}
