using System.Globalization;

namespace InferenceEconomics.Schema;

/// <summary>Which OpenAI-compatible route a load run streams from.</summary>
public enum LoadApi
{
    /// <summary>/v1/completions: token-id prompts of exact length where the server accepts them.</summary>
    Completions,
    /// <summary>/v1/chat/completions: text prompts, lengths approximate (labelled).</summary>
    Chat,
}

/// <summary>How an open loop spaces its arrivals.</summary>
public enum ArrivalKind
{
    /// <summary>Exponential gaps with mean 1/rate (a Poisson process), seeded.</summary>
    Poisson,
    /// <summary>Every gap exactly 1/rate.</summary>
    Constant,
}

/// <summary>
/// A token length: one value (Min == Max) or a uniform integer range drawn per request ("128" or "64:256").
/// </summary>
public readonly record struct LengthRange(int Min, int Max)
{
    public static LengthRange Fixed(int n) => new(n, n);

    public bool IsFixed => Min == Max;

    public override string ToString() => IsFixed ? Min.ToString(CultureInfo.InvariantCulture)
        : Min.ToString(CultureInfo.InvariantCulture) + ":" + Max.ToString(CultureInfo.InvariantCulture);

    /// <summary>"128" or "64:256"; null when the text is neither (or the range is empty or not positive).</summary>
    public static LengthRange? TryParse(string text)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length is < 1 or > 2) return null;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int lo)) return null;
        int hi = lo;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out hi)) return null;
        return lo >= 1 && hi >= lo ? new LengthRange(lo, hi) : null;
    }
}

/// <summary>
/// Everything a load run (the `load` command) is asked to do, and the one copy of each default: the CLI
/// binds its options to these properties and prints help from a fresh instance; result.json records the
/// effective record as "load_config". The API key itself is never here: only the name of the variable
/// that holds it. Add properties, never rename them.
/// </summary>
public sealed record LoadSettings
{
    /// <summary>Base URL of an OpenAI-compatible server ("http://127.0.0.1:8000" or ".../v1").</summary>
    public string Endpoint { get; init; } = "";
    /// <summary>Name of the environment variable holding the API key (sent as a bearer token, never written anywhere).</summary>
    public string? ApiKeyEnv { get; init; }
    /// <summary>The model name the server serves; null: the first one /v1/models lists.</summary>
    public string? ServedModel { get; init; }
    public LoadApi Api { get; init; } = LoadApi.Completions;
    /// <summary>Closed-loop levels: N clients, each sends its next request when its previous one ends.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 2, 4, 8];
    /// <summary>Open-loop levels, requests per second; when given, these levels replace the closed-loop ones.</summary>
    public IReadOnlyList<double> Rates { get; init; } = [];
    public ArrivalKind Arrival { get; init; } = ArrivalKind.Poisson;
    /// <summary>Open loop: most requests in flight at once (arrivals past it wait); null: no cap.</summary>
    public int? MaxConcurrency { get; init; }
    /// <summary>Requests before each level, not measured (their own closed loop at the level's concurrency).</summary>
    public int WarmupRequests { get; init; } = 2;
    /// <summary>Measured requests per level: a level stops sending at this count or at <see cref="DurationSeconds"/>, whichever comes first.</summary>
    public int RequestsPerLevel { get; init; } = 64;
    /// <summary>Seconds a level may send for (requests in flight then are awaited, within their timeouts).</summary>
    public double DurationSeconds { get; init; } = 60;
    public LengthRange InputTokens { get; init; } = LengthRange.Fixed(128);
    public LengthRange OutputTokens { get; init; } = LengthRange.Fixed(32);
    /// <summary>A JSONL file of {"input": N, "output": M} lines, taken in turn; replaces the two lengths above.</summary>
    public string? Trace { get; init; }
    /// <summary>Seed of the arrivals, the lengths and the prompts.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Send token-id prompts on /v1/completions (exact lengths); a server that refuses them gets text prompts (labelled approximate).</summary>
    public bool TokenIdPrompts { get; init; } = true;
    /// <summary>Ask for exactly the output length (ignore_eos, min_tokens = max_tokens).</summary>
    public bool ForceOutputLength { get; init; } = true;
    public double ConnectTimeoutSeconds { get; init; } = 10;
    /// <summary>From sending a request to its first token (headers included).</summary>
    public double FirstTokenTimeoutSeconds { get; init; } = 60;
    /// <summary>Longest silence between two chunks of a stream.</summary>
    public double IdleTimeoutSeconds { get; init; } = 30;
    /// <summary>Longest a whole request may take.</summary>
    public double RequestTimeoutSeconds { get; init; } = 600;
    /// <summary>Goodput counts requests meeting every bound ("ttft_p90&lt;=500ms,tpot&lt;=50ms"); null: no goodput.</summary>
    public string? Slo { get; init; }

    /// <summary>True when the levels are open-loop rates.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public bool OpenLoop => Rates.Count > 0;
}
