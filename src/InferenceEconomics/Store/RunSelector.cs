using InferenceEconomics.Results.History;

namespace InferenceEconomics.Store;

/// <summary>
/// A run selector as `compare --latest` takes it: comma-separated key=value pairs over the history
/// filters, e.g. "gpu=h100,model=phi-3-mini,precision=int4". Keys: gpu, host, model, precision,
/// engine, since, until. Matching is exact (<see cref="RunMatching"/>).
/// </summary>
public static class RunSelector
{
    public static readonly IReadOnlyList<string> Keys = ["gpu", "host", "model", "precision", "engine", "since", "until"];

    /// <summary>Parses a selector on top of <paramref name="baseFilter"/> (shared options); Usage errors name <paramref name="option"/>.</summary>
    public static HistoryFilter Parse(string text, string option, HistoryFilter? baseFilter = null)
    {
        var f = baseFilter ?? new HistoryFilter();
        var pairs = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (pairs.Length == 0) throw Usage($"{option} is empty; write key=value pairs like gpu=h100,model=phi-3-mini");
        foreach (var pair in pairs)
        {
            var kv = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[1].Length == 0)
                throw Usage($"{option} '{pair}' is not key=value; write e.g. gpu=h100 (keys: {string.Join(", ", Keys)})");
            var key = kv[0].ToLowerInvariant();
            var value = kv[1];
            f = key switch
            {
                "gpu" => f with { Gpu = value },
                "host" => f with { Host = value },
                "model" => f with { Model = value },
                "precision" => f with { Precision = value },
                "engine" => f with { Engine = value },
                "since" => f with { Since = RunHistory.ParseSince(value) ?? throw Usage($"{option} since='{value}' is not a date; write 2026-11-01 or an ISO 8601 time") },
                "until" => f with { Until = RunHistory.ParseUntil(value) ?? throw Usage($"{option} until='{value}' is not a date; write 2026-11-01 or an ISO 8601 time") },
                _ => throw Usage($"{option}: unknown key '{kv[0]}'{Common.Suggest.DidYouMean(kv[0], Keys)}; keys: {string.Join(", ", Keys)}"),
            };
        }
        return f;
    }

    private static InferenceEconomicsException Usage(string message) => new(ErrorKind.Usage, message);
}
