using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>Cost per conversation, turn by turn, on every side (docs/economics.md "Conversations").</summary>
public sealed record ConversationCost
{
    public required string Workload { get; init; }
    public required IReadOnlyList<TurnTokens> Turns { get; init; }
    public required double TurnSpacingSeconds { get; init; }
    public required double CacheTtlSeconds { get; init; }
    /// <summary>The batch size the self-hosted side is priced at (the priced scenario's).</summary>
    public required int BatchSize { get; init; }
    public required IReadOnlyList<SelfHostedTurnCost> SelfHosted { get; init; }
    public required double SelfHostedTotal { get; init; }
    /// <summary>Null when any turn's KV-reuse time is not measured.</summary>
    public double? SelfHostedKvReuseTotal { get; init; }
    public required IReadOnlyList<ConversationApiLine> Api { get; init; }
}

/// <summary>One turn on the self-hosted side: machine seconds per conversation and dollars, re-prefilling the context or reusing the kept KV cache.</summary>
public sealed record SelfHostedTurnCost
{
    public required int Turn { get; init; }
    public required double PrefillSeconds { get; init; }
    /// <summary>True when the prefill time was measured at this turn's context length and the priced batch size.</summary>
    public required bool PrefillMeasured { get; init; }
    /// <summary>Machine seconds one conversation's turn takes: (prefill + first-token selection + (G - 1) x TPOT) / B.</summary>
    public required double Seconds { get; init; }
    public required double Dollars { get; init; }
    /// <summary>Prefill of only the new tokens on top of the kept history, from the run's conversation measurement; null when not measured.</summary>
    public double? KvReusePrefillSeconds { get; init; }
    public double? KvReuseDollars { get; init; }
}

/// <summary>One API over the conversation: per-turn dollars with and without prompt caching, totals, and where it turns dearer than self-hosting.</summary>
public sealed record ConversationApiLine
{
    public required string Provider { get; init; }
    public required string Model { get; init; }
    /// <summary>Per turn; null entries are unknown prices.</summary>
    public required IReadOnlyList<double?> CachedDollars { get; init; }
    public required IReadOnlyList<double?> UncachedDollars { get; init; }
    public double? CachedTotal { get; init; }
    public double? UncachedTotal { get; init; }
    /// <summary>First turn from which every later turn with caching costs more than the self-hosted turn (re-prefill); null: never.</summary>
    public int? DearerThanSelfHostedFromTurn { get; init; }
    /// <summary>The same against self-hosted with KV reuse; null: never, or KV reuse not measured.</summary>
    public int? DearerThanKvReuseFromTurn { get; init; }
    /// <summary>The reverse: first turn from which every later self-hosted turn (re-prefill) costs more than this API with caching; null: never.</summary>
    public int? SelfHostedDearerFromTurn { get; init; }
    /// <summary>The same for self-hosted with KV reuse; null: never, or not measured.</summary>
    public int? KvReuseDearerFromTurn { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>Cost per completed agent task on both sides (docs/economics.md "Agent tasks").</summary>
public sealed record TaskCost
{
    public required string Workload { get; init; }
    public required int CallsPerTask { get; init; }
    public required double RetryRate { get; init; }
    public required double SuccessRate { get; init; }
    /// <summary>calls x (1 + retry rate) / success rate.</summary>
    public required double ExpectedCallsPerCompletedTask { get; init; }
    /// <summary>Self-hosted $ per call at the traffic's utilization, and per completed task.</summary>
    public required double SelfHostedPerCall { get; init; }
    public required double SelfHostedPerTask { get; init; }
    public required IReadOnlyList<TaskApiLine> Api { get; init; }
}

public sealed record TaskApiLine(string Provider, string Model, double? PerCall, double? PerTask);

internal static class OutcomeCost
{
    /// <summary>Expected calls per completed task = calls x (1 + retry rate) / success rate.</summary>
    public static double ExpectedCalls(int calls, double retryRate, double successRate) => calls * (1 + retryRate) / successRate;

    public static TaskCost Task(WorkloadDefinition w, TaskShape t, double selfHostedPerCall, IEnumerable<ApiRate> rates, bool batch)
    {
        double expected = ExpectedCalls(t.CallsPerTask, t.RetryRate, t.SuccessRate);
        var spec = w.ToSpec();
        return new TaskCost
        {
            Workload = w.Name,
            CallsPerTask = t.CallsPerTask,
            RetryRate = t.RetryRate,
            SuccessRate = t.SuccessRate,
            ExpectedCallsPerCompletedTask = expected,
            SelfHostedPerCall = selfHostedPerCall,
            SelfHostedPerTask = selfHostedPerCall * expected,
            Api = rates.Select(r =>
            {
                var c = ApiCost.PerRequest(r, spec, batch).Dollars;
                return new TaskApiLine(r.Provider, r.Model, c, c * expected);
            }).ToList(),
        };
    }

    /// <summary>
    /// Prices every turn: the API with and without caching; self-hosted re-prefilling the whole context
    /// (prefill and TPOT at the turn's context length from the measured scenarios at batch B) and, where the
    /// run measured it, with KV reuse (only the new tokens prefilled on top of the kept history).
    /// $ per turn = R x seconds / (3600 x B) / u.
    /// </summary>
    public static ConversationCost Conversation(RunResult run, IReadOnlyList<ScenarioResult> usable, int batch, WorkloadDefinition w, ConversationShape c,
        double dollarsPerHour, double utilization, IEnumerable<ApiRate> rates, bool batchApi, bool oneHourCache, List<string> labels)
    {
        var turns = ConversationMath.Turns(c);
        var curve = PromptLengthCurve.At(usable, batch);
        var measured = run.Conversation;
        if (measured is null) labels.Add(Notes.KvReuseNotMeasured.Text);
        else if (!string.Equals(measured.Workload, w.Name, StringComparison.OrdinalIgnoreCase)) labels.Add(Notes.KvReuseOtherConversation(measured.Workload).Text);
        if (measured is not null) labels.Add(Notes.KvReuseMemoryNotPriced.Text);
        if (measured?.StoppedReason is { } stopped) labels.Add(Notes.KvReuseStopped(stopped).Text);
        if (measured is not null && measured.BatchSize != batch)
            labels.Add($"KV reuse at batch {batch}: the prefill at batch {batch} times the measured ratio incremental / full prefill of each turn at batch {measured.BatchSize} (estimated)");

        double perSecond = dollarsPerHour / 3600.0 / batch / utilization;
        var self = new List<SelfHostedTurnCost>();
        var estimatedAt = new List<int>();
        foreach (var t in turns)
        {
            var (prefill, exact) = curve.Prefill(t.ContextTokens);
            if (!exact) estimatedAt.Add(t.ContextTokens);
            double rest = curve.Selection(t.ContextTokens) + curve.Tpot(t.ContextTokens) * Math.Max(0, t.AssistantTokens - 1);
            double seconds = prefill + rest;
            double? kvPrefill = KvPrefill(measured, t, batch, prefill);
            self.Add(new SelfHostedTurnCost
            {
                Turn = t.Turn,
                PrefillSeconds = prefill,
                PrefillMeasured = exact,
                Seconds = seconds / batch,
                Dollars = seconds * perSecond,
                KvReusePrefillSeconds = kvPrefill,
                KvReuseDollars = kvPrefill is { } k ? (k + rest) * perSecond : null,
            });
        }
        if (estimatedAt.Count > 0)
            labels.Add(Notes.ConversationPrefillEstimated(
                $"context lengths {string.Join(", ", estimatedAt.Distinct())} at batch {batch} from the measured {string.Join(", ", curve.Lengths)}").Text);
        double ttl = ConversationMath.CacheTtlSeconds(oneHourCache);
        if (c.TurnSpacingSeconds > ttl && turns.Count > 1) labels.Add(Notes.CacheExpiresBetweenTurns(c.TurnSpacingSeconds, ttl).Text);

        var api = new List<ConversationApiLine>();
        foreach (var rate in rates)
        {
            var cached = new List<double?>();
            var plain = new List<double?>();
            var notes = new List<string>();
            for (int i = 0; i < turns.Count; i++)
            {
                var prev = i > 0 ? turns[i - 1] : null;
                var withCache = ApiCost.PerRequest(rate, ConversationMath.ApiRequest(w.Name, turns[i], prev, true, c.TurnSpacingSeconds, oneHourCache), batchApi);
                var without = ApiCost.PerRequest(rate, ConversationMath.ApiRequest(w.Name, turns[i], prev, false, c.TurnSpacingSeconds, oneHourCache), batchApi);
                cached.Add(withCache.Dollars);
                plain.Add(without.Dollars);
                notes.AddRange(withCache.Notes);
                notes.AddRange(without.Notes);
            }
            api.Add(new ConversationApiLine
            {
                Provider = rate.Provider,
                Model = rate.Model,
                CachedDollars = cached,
                UncachedDollars = plain,
                CachedTotal = SumOrNull(cached),
                UncachedTotal = SumOrNull(plain),
                DearerThanSelfHostedFromTurn = DearerFrom(cached, self.Select(s => (double?)s.Dollars).ToList()),
                DearerThanKvReuseFromTurn = DearerFrom(cached, self.Select(s => s.KvReuseDollars).ToList()),
                SelfHostedDearerFromTurn = DearerFrom(self.Select(s => (double?)s.Dollars).ToList(), cached),
                KvReuseDearerFromTurn = DearerFrom(self.Select(s => s.KvReuseDollars).ToList(), cached),
                Notes = notes.Distinct().ToList(),
            });
        }
        var kv = self.Select(s => s.KvReuseDollars).ToList();
        return new ConversationCost
        {
            Workload = w.Name,
            Turns = turns,
            TurnSpacingSeconds = c.TurnSpacingSeconds,
            CacheTtlSeconds = ttl,
            BatchSize = batch,
            SelfHosted = self,
            SelfHostedTotal = self.Sum(s => s.Dollars),
            SelfHostedKvReuseTotal = SumOrNull(kv),
            Api = api,
        };
    }

    /// <summary>The measured incremental prefill of this turn (batch matching), or the prefill at batch B times the measured ratio.</summary>
    private static double? KvPrefill(Schema.ConversationMeasurement? m, TurnTokens t, int batch, double prefillAtBatch)
    {
        var turn = m?.Turns.FirstOrDefault(x => x.Turn == t.Turn && x.HistoryTokens == t.HistoryTokens && x.NewTokens == t.NewTokens);
        if (turn is null || turn.IncrementalPrefillSeconds.Count == 0) return null;
        if (m!.BatchSize == batch) return Statistics.Quantile(turn.IncrementalPrefillSeconds, 0.5);
        var ratios = turn.IncrementalPrefillSeconds.Zip(turn.FullPrefillSeconds, (a, b) => a / b).Where(double.IsFinite).ToList();
        return ratios.Count == 0 ? null : prefillAtBatch * Statistics.Quantile(ratios, 0.5);
    }

    /// <summary>The first turn from which every turn of <paramref name="a"/> costs more than <paramref name="b"/>; null when the last does not (or a price is unknown).</summary>
    internal static int? DearerFrom(IReadOnlyList<double?> a, IReadOnlyList<double?> b)
    {
        int? from = null;
        for (int i = a.Count - 1; i >= 0; i--)
        {
            if (a[i] is not { } x || b[i] is not { } y || !(x > y)) break;
            from = i + 1;
        }
        return from;
    }

    private static double? SumOrNull(IReadOnlyList<double?> values) => values.Any(v => v is null) ? null : values.Sum(v => v!.Value);
}

/// <summary>
/// Median prefill, first-token selection and TPOT against prompt length, from the finished scenarios of one batch
/// size: exact at a measured length; linear between two; proportional (prefill) or flat (selection, TPOT) beyond.
/// </summary>
internal sealed class PromptLengthCurve
{
    private readonly (int P, double Prefill, double Selection, double Tpot)[] _points;

    private PromptLengthCurve((int, double, double, double)[] points) => _points = points;

    public IReadOnlyList<int> Lengths => _points.Select(p => p.P).ToList();

    public static PromptLengthCurve At(IReadOnlyList<ScenarioResult> usable, int batch)
    {
        var points = usable.Where(s => s.BatchSize == batch).GroupBy(s => s.PromptTokens).OrderBy(g => g.Key)
            .Select(g => (g.Key,
                Median(g.Select(s => s.Median(MetricCatalog.PrefillTime))),
                Median(g.Select(s => Math.Max(0, s.Median(MetricCatalog.Ttft) - s.Median(MetricCatalog.PrefillTime)))),
                Median(g.Select(s => s.Median(MetricCatalog.Tpot)))))
            .ToArray();
        if (points.Length == 0)
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"the run has no finished scenario at batch {batch}; measure the conversation's prompt lengths (run --workload)");
        return new PromptLengthCurve(points);
    }

    private static double Median(IEnumerable<double> v) => Statistics.Quantile(v, 0.5);

    public (double Seconds, bool Measured) Prefill(int p)
    {
        var exact = _points.Where(x => x.P == p).ToList();
        if (exact.Count == 1) return (exact[0].Prefill, true);
        if (p < _points[0].P) return (_points[0].Prefill * p / _points[0].P, false);
        if (p > _points[^1].P) return (_points[^1].Prefill * p / _points[^1].P, false);
        return (Between(p, x => x.Prefill), false);
    }

    public double Selection(int p) => Flat(p, x => x.Selection);
    public double Tpot(int p) => Flat(p, x => x.Tpot);

    private double Flat(int p, Func<(int P, double Prefill, double Selection, double Tpot), double> f)
    {
        if (p <= _points[0].P) return f(_points[0]);
        if (p >= _points[^1].P) return f(_points[^1]);
        return Between(p, f);
    }

    private double Between(int p, Func<(int P, double Prefill, double Selection, double Tpot), double> f)
    {
        int hi = Array.FindIndex(_points, x => x.P >= p);
        var (a, b) = (_points[hi - 1], _points[hi]);
        if (b.P == p) return f(b);
        double w = (p - a.P) / (double)(b.P - a.P);
        return f(a) + (f(b) - f(a)) * w;
    }
}
