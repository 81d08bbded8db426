using InferenceEconomics.Metrics;
using System.Text;
using InferenceEconomics.Results;

namespace InferenceEconomics.Reporting;

/// <summary>report.md: labels first, the run table, failures, environment, telemetry sources, cost.</summary>
internal sealed class MarkdownExporter : IReportExporter
{
    public const string FileName = "report.md";
    public string Name => "markdown";

    public IReadOnlyList<string> Export(ReportContext context)
    {
        var path = Path.Combine(context.Folder, FileName);
        AtomicFile.Write(path, Render(context));
        return [path];
    }

    public static string Render(ReportContext context)
    {
        var r = context.Result;
        var sb = new StringBuilder();
        sb.AppendLine($"# {M(r.Model.Name)}: {Words.Of(r.Engine.Name)} on {r.Engine.Device} ({M(r.Environment.Host)}, {r.StartedUtc:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        var notes = Notes.OfRun(r);
        foreach (var line in NoteText.Markdown(notes)) sb.AppendLine(line);
        if (notes.Count > 0) sb.AppendLine();
        if (LoadMarkdown.HasLoad(r))
        {
            // Load levels: their own table (throughput, latency percentiles, goodput, failures, $/M when priced).
            sb.AppendLine("## Load levels");
            sb.AppendLine();
            sb.Append(LoadMarkdown.Render(r, context.LoadCost));
            sb.AppendLine();
            sb.AppendLine("Per level over its measured window (warm-up excluded): TTFT, ITL, TPOT, E2EL as vLLM bench serve defines them, from the client's per-chunk times. Definitions: docs/metrics.md \"Serving under load\".");
        }
        else
        {
            sb.Append(SummaryTable.Markdown(r));
            sb.AppendLine();
            sb.AppendLine("prefill/decode t/s: median ± half-width of the 95% CI of the median; ITL: every decode step of every repetition; n: measured repetitions (warm-up excluded). Definitions: docs/metrics.md.");
            if (SummaryTable.RooflineNote(r) is { } roof) { sb.AppendLine(); sb.AppendLine(roof); }
        }
        var failed = r.Scenarios.Where(s => s.Status != ScenarioStatus.Ok).ToList();
        if (failed.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Scenarios that did not run");
            foreach (var s in failed) sb.AppendLine($"- {M(s.Id)}: {Words.Of(s.Status)}: {M(s.FailureReason)}");
        }
        if (r.Conversation is { } conv) sb.Append(ConversationMarkdown(conv));
        AppendTelemetry(sb, r);
        AppendEnvironment(sb, r);
        if (context.Cost is not null)
        {
            sb.AppendLine();
            sb.Append(CostSection(context));
        }
        return sb.ToString();
    }

    /// <summary>The measured conversation: per turn, KV reuse against full re-prefill (medians and the ratio's spread over the rounds).</summary>
    internal static string ConversationMarkdown(ConversationMeasurement c)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine($"## Conversation {c.Workload}: KV reuse vs full re-prefill");
        sb.AppendLine();
        sb.AppendLine($"Batch {c.BatchSize}, {c.Rounds} interleaved rounds after one warm-up: each turn's new tokens prefilled on top of the kept history (KV reuse) " +
                      "and its whole context prefilled on a fresh sequence, alternately first. Ratio = incremental / full of the same round; turn 1 has no history (ratio about 1).");
        if (c.StoppedReason is { } why) sb.AppendLine($"Stopped: {why}.");
        sb.AppendLine();
        string Med(TurnMeasurement t, TurnMetric m) => t.Summary is { } d && d.TryGetValue(m.SummaryKey, out var v) ? m.Unit.Format(v.Median) : "not measured";
        string Spread(TurnMeasurement t) => t.Summary is { } d && d.TryGetValue(ConversationMetrics.KvReuseRatio.SummaryKey, out var v) ? $"{v.Min:0.###}..{v.Max:0.###}" : "-";
        var rows = c.Turns.Select(t => new[]
        {
            $"{t.Turn}", $"{t.HistoryTokens:N0}", $"{t.NewTokens:N0}", $"{t.ContextTokens:N0}",
            Med(t, ConversationMetrics.IncrementalPrefill), Med(t, ConversationMetrics.FullPrefill), Med(t, ConversationMetrics.IncrementalPrefillTps),
            Med(t, ConversationMetrics.KvReuseRatio), Spread(t),
        }).ToList();
        sb.Append(CostMarkdown.Table(["turn", "history", "new", "context", "incremental prefill", "full prefill", "incremental tok/s", "ratio (median)", "ratio min..max"], rows,
            [true, true, true, true, true, true, true, true, false]));
        return sb.ToString();
    }

    /// <summary>Cost section when a price was given; the run's labels are at the top already, so it leaves them out.</summary>
    private static string CostSection(ReportContext context) => CostMarkdown.Render(context.Cost!, context.Result.Labels);

    private static void AppendTelemetry(StringBuilder sb, RunResult r)
    {
        sb.AppendLine();
        sb.AppendLine("## Telemetry");
        // The same run-level lines as ./run.sh hw shows (sources with their reasons, idle baseline).
        foreach (var line in TelemetryText.RunMarkdown(r.Telemetry)) sb.AppendLine(line);
        foreach (var sc in r.Scenarios.Where(x => x.Telemetry is not null))
        {
            sb.AppendLine();
            sb.AppendLine($"### {M(sc.Id)}");
            foreach (var line in TelemetryText.ScenarioMarkdown(sc.Telemetry!, includeNotMeasured: false)) sb.AppendLine(line);
        }
    }

    private static void AppendEnvironment(StringBuilder sb, RunResult r)
    {
        var e = r.Environment;
        var m = r.Model;
        sb.AppendLine();
        sb.AppendLine("## Environment");
        sb.AppendLine($"- host: {M(e.Host)}; OS: {M(e.Os)}; CPU: {M(e.CpuModel)} ({e.LogicalCores} logical cores)" + (e.MemoryBytes is long mem ? $"; memory {Format.Bytes(mem)}" : ""));
        foreach (var g in e.Gpus) sb.AppendLine($"- GPU: {M(g.Name)} (driver {M(g.DriverVersion ?? "?")}, CUDA {M(g.CudaDriverVersion ?? "?")})");
        if (e.Gpus.Count == 0) sb.AppendLine("- GPU: none detected");
        sb.AppendLine($"- .NET {M(e.DotnetVersion)}; ONNX Runtime {M(e.OrtVersion ?? "?")}; ONNX Runtime GenAI {M(e.GenAiVersion ?? "?")}; engine {Words.Of(r.Engine.Name)} {M(r.Engine.Version)} ({M(r.Engine.ExecutionProvider)}{(r.Engine.IntraOpThreads is { } th ? $", {th} intra-op threads" : "")})");
        sb.AppendLine($"- harness {M(r.Tool.Version)}, commit {M(r.Tool.GitCommit ?? "unknown")}");
        sb.AppendLine($"- model: {M(m.Name)}{(m.Synthetic ? $" — synthetic weights, same shape as {M(m.SyntheticOf)}" : " — real weights")}; {M(m.ModelType)}, {m.Layers} layers, hidden {m.HiddenSize}, {m.Heads} heads / {m.KvHeads} KV heads (head {m.HeadSize}), vocab {m.VocabSize}, context {m.ContextLength}; {Words.Of(m.Precision)} weights, {Words.Of(m.IoDType)} I/O, {Words.Of(m.Attention)} attention" +
            (m.WeightBytes is long wb ? $"; {Format.Bytes(wb)} on disk" : "") + (m.OnnxSha256 is { } h ? $"; model.onnx sha256 {M(h[..Math.Min(16, h.Length)])}…" : ""));
        if (r.Timings is { } t)
            sb.AppendLine((t.SyntheticGenerated ? $"- timings: synthetic model generated in {t.ResolveSeconds:F1} s" : $"- timings: model found in {t.ResolveSeconds:F1} s") +
                $", loaded in {t.LoadSeconds:F1} s (cold start)" +
                (t.SweepSeconds is double sw ? $", sweep {sw:F1} s" : ""));
        var c = r.Config;
        sb.AppendLine($"- measurement: warm-up {c.WarmupRepetitions}, repetitions {c.MinRepetitions}..{c.MaxRepetitions}, budget {c.TimeBudgetSeconds:G} s per scenario, target ±{c.CiTarget * 100:G}% (95% CI of the median), seed {c.Seed}");
    }

    /// <summary>Text from the result file through the Markdown escaping layer.</summary>
    private static string M(string? text) => MarkdownText.Inline(text);
}
