namespace InferenceEconomics.Schema;

/// <summary>
/// Every honesty note the tool writes, one factory each: the wording of a note exists here and nowhere
/// else. Outputs render notes with one renderer (Reporting's NoteText) and de-duplicate them by code.
/// </summary>
public static class Notes
{
    public static Note SyntheticWeights(string? shapeOf) => new(NoteKind.Synthetic, "synthetic_weights",
        $"synthetic weights{(shapeOf is null ? "" : $", same shape as {shapeOf}")}: throughput is real, generated text is meaningless");

    /// <summary>serve on a model without tokenizer.json: text is mapped to ids byte by byte, ids stream as numbers.</summary>
    public static Note ByteStandInTokenizer { get; } = new(NoteKind.Assumption, "byte_stand_in_tokenizer",
        "no tokenizer in the model folder: text prompts are one token per UTF-8 byte and output text is the token ids; send token-id prompts for exact lengths");

    /// <summary>serve's batching: static, so a request arriving during a batch waits for it to end.</summary>
    public static Note StaticBatching(int maxBatch) => new(NoteKind.Caution, "static_batching",
        $"static batching (up to {maxBatch} requests per batch): a request arriving while a batch runs waits for that batch to end, unlike continuous batching");

    public static Note RunNotFinished(RunStatus status) => new(NoteKind.Status, "run_" + Words.Of(status),
        status switch
        {
            RunStatus.Running => "run still running, or abandoned: its process ended without finishing the sweep",
            RunStatus.Abandoned => "run abandoned: its process is gone (killed or crashed) without finishing the sweep; the finished scenarios are kept",
            _ => $"run {Words.Of(status)}: some scenarios did not finish",
        });

    /// <summary>Batch sizes left out of a default sweep because their KV cache would not fit; the detail says which and why.</summary>
    public static Note BatchSizesCapped(string detail) => new(NoteKind.Caution, "batch_sizes_capped", detail);

    public static Note TelemetryOff { get; } = new(NoteKind.NotMeasured, "telemetry_off", "power and utilization not measured (telemetry off)");

    public static Note SourceNotMeasured(string source, string? reason) => new(NoteKind.NotMeasured, "not_measured_" + source,
        $"{source} not measured{(reason is { Length: > 0 } ? $": {reason}" : "")}");

    /// <summary>What the run's telemetry could not measure, and why (telemetry off, or each source that did not work).</summary>
    public static IReadOnlyList<Note> OfTelemetry(RunResult r) =>
        r.Telemetry is null ? [TelemetryOff]
            : r.Telemetry.Sources.Where(s => !s.Available).Select(s => SourceNotMeasured(s.Name, s.Reason)).ToList();

    /// <summary>A conversation turn's prefill (or decode step) taken between measured prompt lengths, not at its own length.</summary>
    public static Note ConversationPrefillEstimated(string detail) => new(NoteKind.Estimate, "conversation_prefill_estimated",
        $"self-hosted per-turn times estimated (linear between measured prompt lengths, proportional beyond them): {detail}; run --workload with this workload to measure exactly those lengths");

    public static Note KvReuseNotMeasured { get; } = new(NoteKind.NotMeasured, "kv_reuse_not_measured",
        "self-hosted with KV reuse not measured: the run has no conversation measurement (run --workload with this conversation)");

    public static Note KvReuseStopped(string reason) => new(NoteKind.NotMeasured, "kv_reuse_stopped",
        $"the KV-reuse measurement stopped short ({reason}): turns without samples are shown as not measured");

    public static Note KvReuseMemoryNotPriced { get; } = new(NoteKind.Assumption, "kv_reuse_memory",
        "KV reuse assumes the server keeps each conversation's KV cache between turns; the memory it holds meanwhile is not priced");

    public static Note KvReuseOtherConversation(string measured) => new(NoteKind.Estimate, "kv_reuse_other_conversation",
        $"KV-reuse times were measured on workload '{measured}', not this one: used turn by turn where the token counts match, otherwise not shown");

    public static Note CacheExpiresBetweenTurns(double spacingSeconds, double ttlSeconds) => new(NoteKind.Caution, "cache_expires",
        $"turns are {spacingSeconds:0.#} s apart, longer than the {ttlSeconds:0} s cache lifetime: every turn writes its whole prompt again");

    public static Note TaskCallsAreRequests { get; } = new(NoteKind.Assumption, "task_calls_are_requests",
        "task workload: a request is one model call; traffic, machines and cost per request are per call, cost per task = cost per call x expected calls per completed task");

    /// <summary>A note a measured server gives about itself (its /v1/models "ie_notes"): its kind kept (synthetic weights stay a synthetic note), its text marked as the server's.</summary>
    public static Note FromServer(NoteKind? kind, string code, string text) => new(kind ?? NoteKind.Caution, "server_" + code, "server: " + text);

    /// <summary>A load run measures a server from outside: the model's shape, precision and device are the server's, unknown here.</summary>
    public static Note EndpointModel(string url, string model) => new(NoteKind.Caution, "endpoint_model",
        $"measured through the HTTP endpoint {url} (model {model}): model shape, precision and device are the server's and not known here (their fields hold placeholders); environment is the client machine");

    /// <summary>Text prompts: their length in tokens is the server tokenizer's, near but not exactly what was asked.</summary>
    public static Note ApproximatePrompts(string why) => new(NoteKind.Estimate, "prompt_length_approximate",
        $"prompt lengths are approximate: text prompts of about one word per token ({why}); the server's usage figures are reported");

    /// <summary>The server would not take ignore_eos/min_tokens: outputs may end before the length asked.</summary>
    public static Note OutputNotForced(string why) => new(NoteKind.Caution, "output_length_not_forced",
        $"output length not forced ({why}): requests may stop early at an end-of-sequence token");

    /// <summary>Some requests' usage differs from what was asked.</summary>
    public static Note TokenCountMismatch(string detail) => new(NoteKind.Caution, "token_count_mismatch", "token counts differ from those asked: " + detail);

    /// <summary>The server sent no usage figures: output tokens were counted as token chunks.</summary>
    public static Note NoUsage(int requests) => new(NoteKind.Estimate, "usage_missing",
        $"{requests} finished request(s) had no usage figures (stream_options.include_usage): their output tokens are counted as token chunks");

    /// <summary>The load generator sent open-loop requests late: the arrivals offered were gentler than asked.</summary>
    public static Note LoadGeneratorLate(double share, string detail) => new(NoteKind.Caution, "load_generator_late",
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the load generator fell behind (p99 send lateness above {share:0%} of the mean gap between arrivals): {detail}; those levels offered less load than asked — run the client on a less busy machine or lower the rate"));

    /// <summary>Some requests of a level failed; the level's figures count the finished ones.</summary>
    public static Note RequestsFailed(string detail) => new(NoteKind.Status, "requests_failed", "requests failed: " + detail);

    /// <summary>A note from a free-text label: older documents' labels, and the cost analysis's notes.</summary>
    public static Note Label(string text) => FromLabel(text);

    /// <summary>A note from an older document's free-text label (schema 1.0 before notes existed).</summary>
    public static Note FromLabel(string text) => new(
        text.Contains("synthetic", StringComparison.OrdinalIgnoreCase) ? NoteKind.Synthetic : NoteKind.Caution,
        text.Contains("synthetic", StringComparison.OrdinalIgnoreCase) ? "synthetic_weights" : "label", text);

    /// <summary>
    /// The notes every output of a run must carry: its stored notes (or an older document's labels), the
    /// synthetic-weights note when the model is synthetic, and the run's status when it did not complete.
    /// </summary>
    public static IReadOnlyList<Note> OfRun(RunResult r)
    {
        var list = r.Notes.Count > 0 ? r.Notes.ToList() : r.Labels.Select(FromLabel).ToList();
        if (r.Model.Synthetic) list.Add(SyntheticWeights(r.Model.SyntheticOf));
        if (r.Status != RunStatus.Complete) list.Add(RunNotFinished(r.Status));
        return Distinct(list);
    }

    /// <summary>One note per code, the first kept: a note is said once per output.</summary>
    public static IReadOnlyList<Note> Distinct(IEnumerable<Note> notes) =>
        notes.DistinctBy(n => n.Code == "label" ? n.Text : n.Code).DistinctBy(n => n.Text).ToList();
}
