using System.Globalization;
using System.Text.Json;
using InferenceEconomics.Common;

namespace InferenceEconomics.Economics;

/// <summary>
/// A workload file (docs/workloads.md): one or more workloads, each a single request, a conversation or an
/// agent task. The built-in profiles (embedded Data/workloads.json) are written in this same format.
/// </summary>
internal sealed record WorkloadFileDocument
{
    public const string FormatName = "inference-economics/workload";
    public required string Format { get; init; }
    public required int Version { get; init; }
    public string? Comment { get; init; }
    public required IReadOnlyList<WorkloadDefinition> Workloads { get; init; }
}

/// <summary>The request a workload prices per call (Economics' view of a workload definition).</summary>
public static class WorkloadDefinitions
{
    /// <summary>
    /// The request a run's scenario is chosen and priced for: the request itself, one call of a task, or a
    /// conversation's mean turn (its mean context and mean assistant tokens, no cached share).
    /// </summary>
    public static WorkloadSpec ToSpec(this WorkloadDefinition w)
    {
        if (w.Request is { } r) return new(w.Name, r.InputTokens, Cached(r.InputTokens, r.CachedPrefixShare), r.OutputTokens, r.ReasoningTokens);
        if (w.Task is { } t) return new(w.Name, t.InputTokens, Cached(t.InputTokens, t.CachedPrefixShare), t.OutputTokens, t.ReasoningTokens);
        var c = w.Conversation!;
        var turns = ConversationMath.Turns(c);
        return new(w.Name, (int)Math.Round(turns.Average(x => (double)x.ContextTokens), MidpointRounding.AwayFromZero), 0,
            (int)Math.Round(turns.Average(x => (double)x.AssistantTokens), MidpointRounding.AwayFromZero), 0);
    }

    public static int Cached(int input, double share) => (int)Math.Round(input * share, MidpointRounding.AwayFromZero);

}

/// <summary>Reads workload files strictly: every error is one line naming the file and the JSON path.</summary>
public static class WorkloadFiles
{
    public const string BuiltInFileName = "workloads.json";

    /// <summary>Every workload of a file (the built-in one is embedded).</summary>
    public static IReadOnlyList<WorkloadDefinition> Parse(string json, string origin)
    {
        WorkloadFileDocument doc;
        try
        {
            doc = JsonSerializer.Deserialize<WorkloadFileDocument>(json, DataFile.Strict) ?? throw new JsonException("the document is null");
        }
        catch (JsonException e)
        {
            throw Bad(origin, string.IsNullOrEmpty(e.Path) ? "$" : e.Path, $"{JsonErrorText.Reason(e)} ({JsonErrorText.Where(e)})");
        }
        if (doc.Format != WorkloadFileDocument.FormatName)
            throw Bad(origin, "$.format", $"is '{doc.Format}', expected '{WorkloadFileDocument.FormatName}'");
        if (doc.Version != 1) throw Bad(origin, "$.version", $"{doc.Version} is not supported; this tool reads version 1");
        if (doc.Workloads.Count == 0) throw Bad(origin, "$.workloads", "is empty; give at least one workload");
        for (int i = 0; i < doc.Workloads.Count; i++) Validate(doc.Workloads[i], $"$.workloads[{i}]", origin);
        var dup = doc.Workloads.GroupBy(w => w.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw Bad(origin, "$.workloads", $"the name '{dup.Key}' appears {dup.Count()} times; names are unique");
        return doc.Workloads;
    }

    /// <summary>A user file: its only workload, or the one named after '#' (FILE#NAME).</summary>
    public static WorkloadDefinition Load(string pathAndName)
    {
        var (path, name) = Split(pathAndName);
        if (!File.Exists(path))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"workload file '{path}' does not exist; give a built-in workload name or the path of a workload file (format: docs/workloads.md)");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InferenceEconomicsException(ErrorKind.FileAccess, $"cannot read workload file '{path}': {e.Message}", e);
        }
        var all = Parse(text, path);
        if (name is null)
        {
            if (all.Count == 1) return all[0];
            throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"{path} holds {all.Count} workloads ({string.Join(", ", all.Select(w => w.Name))}); name one as {path}#NAME");
        }
        return all.FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"{path} has no workload '{name}'{Suggest.DidYouMean(name, all.Select(w => w.Name))}; it holds {string.Join(", ", all.Select(w => w.Name))}");
    }

    /// <summary>True when the text names a file rather than a built-in workload (a path separator or a .json name).</summary>
    public static bool LooksLikeFile(string text)
    {
        var (path, _) = Split(text);
        return path.Contains('/', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)
            || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(path);
    }

    private static (string Path, string? Name) Split(string text)
    {
        int hash = text.LastIndexOf('#');
        return hash > 0 ? (text[..hash], text[(hash + 1)..]) : (text, null);
    }

    private static void Validate(WorkloadDefinition w, string at, string origin)
    {
        if (string.IsNullOrWhiteSpace(w.Name)) throw Bad(origin, $"{at}.name", "is empty; give the workload a name");
        int shapes = (w.Request is null ? 0 : 1) + (w.Conversation is null ? 0 : 1) + (w.Task is null ? 0 : 1);
        if (shapes != 1)
            throw Bad(origin, at, $"workload '{w.Name}' gives {shapes} of request, conversation, task; give exactly one");
        if (w.Request is { } r)
        {
            Tokens(origin, $"{at}.request.input_tokens", r.InputTokens, positive: true);
            Share(origin, $"{at}.request.cached_prefix_share", r.CachedPrefixShare, 0, 1, closedLow: true);
            Tokens(origin, $"{at}.request.output_tokens", r.OutputTokens);
            Tokens(origin, $"{at}.request.reasoning_tokens", r.ReasoningTokens);
            if (r.OutputTokens + r.ReasoningTokens == 0) throw Bad(origin, $"{at}.request.output_tokens", "the request generates nothing; give output (or reasoning) tokens above 0");
        }
        if (w.Task is { } t)
        {
            Tokens(origin, $"{at}.task.calls_per_task", t.CallsPerTask, positive: true);
            Tokens(origin, $"{at}.task.input_tokens", t.InputTokens, positive: true);
            Share(origin, $"{at}.task.cached_prefix_share", t.CachedPrefixShare, 0, 1, closedLow: true);
            Tokens(origin, $"{at}.task.output_tokens", t.OutputTokens);
            Tokens(origin, $"{at}.task.reasoning_tokens", t.ReasoningTokens);
            if (t.OutputTokens + t.ReasoningTokens == 0) throw Bad(origin, $"{at}.task.output_tokens", "a call generates nothing; give output (or reasoning) tokens above 0");
            Share(origin, $"{at}.task.retry_rate", t.RetryRate, 0, 1, closedLow: true);
            Share(origin, $"{at}.task.success_rate", t.SuccessRate, 0, 1, closedLow: false);
        }
        if (w.Conversation is { } c)
        {
            Tokens(origin, $"{at}.conversation.system_prompt_tokens", c.SystemPromptTokens);
            if (!double.IsFinite(c.TurnSpacingSeconds) || c.TurnSpacingSeconds < 0)
                throw Bad(origin, $"{at}.conversation.turn_spacing_seconds", $"{Show(c.TurnSpacingSeconds)} is not a finite number of seconds, 0 or more");
            if (c.Turns.Count == 0) throw Bad(origin, $"{at}.conversation.turns", "is empty; give at least one turn");
            for (int i = 0; i < c.Turns.Count; i++)
            {
                var turn = c.Turns[i];
                string tAt = $"{at}.conversation.turns[{i}]";
                Tokens(origin, $"{tAt}.user_tokens", turn.UserTokens, positive: true);
                Tokens(origin, $"{tAt}.retrieved_tokens", turn.RetrievedTokens);
                Tokens(origin, $"{tAt}.assistant_tokens", turn.AssistantTokens, positive: true);
            }
        }
    }

    private static void Tokens(string origin, string at, int value, bool positive = false)
    {
        if (positive ? value <= 0 : value < 0)
            throw Bad(origin, at, $"{value} {(positive ? "must be 1 or more" : "is negative; give 0 or more")} tokens");
    }

    private static void Share(string origin, string at, double value, double low, double high, bool closedLow)
    {
        bool ok = double.IsFinite(value) && (closedLow ? value >= low : value > low) && value <= high;
        if (!ok) throw Bad(origin, at, $"{Show(value)} is outside {(closedLow ? "[" : "(")}{Show(low)}, {Show(high)}]; give a fraction");
    }

    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static InferenceEconomicsException Bad(string origin, string path, string what) =>
        new(ErrorKind.PriceInvalid, $"{origin}: {path}: {what} (format: docs/workloads.md)");
}
