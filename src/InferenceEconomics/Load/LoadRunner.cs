using System.Diagnostics;
using InferenceEconomics.Economics;
using InferenceEconomics.Metrics;

namespace InferenceEconomics.Load;

/// <summary>One level to run: closed loop at a concurrency, or open loop at a rate (with an optional in-flight cap).</summary>
internal sealed record LevelSpec(LoadShape Shape, int? Concurrency, double? Rate, ArrivalKind Arrival)
{
    public static LevelSpec Closed(int n) => new(LoadShape.Closed, n, null, ArrivalKind.Poisson);
    public static LevelSpec Open(double rate, ArrivalKind arrival, int? cap) => new(LoadShape.Open, cap, rate, arrival);

    /// <summary>"c8" for a closed loop, "r2.5-poisson" for an open one (the scenario id).</summary>
    public string Id => Shape == LoadShape.Closed
        ? $"c{Concurrency}"
        : $"r{Rate!.Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}-{Words.Of(Arrival)}{(Concurrency is { } c ? $"-max{c}" : "")}";
}

/// <summary>The level as measured, with the raw outcomes (chunk ticks) the result does not keep.</summary>
internal sealed record LevelRun(LoadLevel Level, IReadOnlyList<RequestOutcome> Outcomes, long OriginTicks, IReadOnlyList<double> SendOffsets)
{
    /// <summary>Open loop: the planned arrival offsets of the requests sent, in order.</summary>
    public IReadOnlyList<double> Planned { get; init; } = [];
}

/// <summary>
/// Drives one load level against an endpoint: warm-up, then a closed loop of N clients or an open loop of
/// seeded arrivals, until the request count or the duration is reached (whichever first); requests in flight
/// then are awaited (within their timeouts). Failures are counted, never thrown: the level goes on.
/// </summary>
internal sealed class LoadRunner
{
    private readonly EndpointClient client;
    private readonly RequestForm form;
    private readonly LoadSettings settings;
    private readonly Prompts prompts;
    private readonly Slo? slo;
    private int _inFlight, _peak;
    private readonly List<(double Planned, double Late)> _lateness = [];

    public LoadRunner(EndpointClient client, RequestForm form, LoadSettings settings, Prompts prompts, Slo? slo)
    {
        (this.client, this.form, this.settings, this.prompts, this.slo) = (client, form, settings, prompts, slo);
        EnsureThreads();
    }

    /// <summary>
    /// A load generator must not wait for the thread pool to grow (it adds about two threads a second once its
    /// minimum is busy, which would delay sends by hundreds of ms): raise the minimum to 64 worker threads.
    /// </summary>
    private static void EnsureThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < 64) ThreadPool.SetMinThreads(64, Math.Max(io, 64));
    }

    public async Task<LevelRun> RunAsync(LevelSpec spec, int levelIndex, CancellationToken ct)
    {
        // Warm-up: a short closed loop at the level's concurrency (1 for an open loop), not measured.
        int warmClients = Math.Max(1, Math.Min(settings.WarmupRequests, spec.Shape == LoadShape.Closed ? spec.Concurrency ?? 1 : 1));
        if (settings.WarmupRequests > 0)
            await ClosedAsync(warmClients, settings.WarmupRequests, double.PositiveInfinity, seed: ~(settings.Seed + levelIndex), Stopwatch.GetTimestamp(), ct).ConfigureAwait(false);

        _inFlight = 0;
        _peak = 0;
        long origin = Stopwatch.GetTimestamp();
        _lateness.Clear();
        var (outcomes, sends, stoppedBy) = spec.Shape == LoadShape.Closed
            ? await ClosedAsync(spec.Concurrency ?? 1, settings.RequestsPerLevel, settings.DurationSeconds, settings.Seed + levelIndex, origin, ct).ConfigureAwait(false)
            : await OpenAsync(spec, levelIndex, origin, ct).ConfigureAwait(false);
        var late = _lateness.Select(x => x.Late).Order().ToArray();
        long end = Stopwatch.GetTimestamp();
        if (ct.IsCancellationRequested) stoppedBy = "interrupted";

        var samples = outcomes.Select(o => Sample(o, origin, slo)).ToList();
        var level = new LoadLevel
        {
            Shape = spec.Shape,
            Concurrency = spec.Concurrency,
            RatePerSecond = spec.Rate,
            Arrival = spec.Shape == LoadShape.Open ? spec.Arrival : null,
            DurationSeconds = Seconds(end - origin),
            WarmupRequests = settings.WarmupRequests,
            StoppedBy = stoppedBy,
            PeakInFlight = _peak,
            SendLatenessP50Seconds = late.Length > 0 ? Statistics.Percentile(late, 0.5) : null,
            SendLatenessP99Seconds = late.Length > 0 ? Statistics.Percentile(late, 0.99) : null,
            Slo = slo?.ToString(),
            Requests = samples,
        };
        return new LevelRun(level, outcomes, origin, sends) { Planned = _lateness.Select(x => x.Planned).Order().ToList() };
    }

    private async Task<(List<RequestOutcome>, List<double>, string)> ClosedAsync(int clients, int count, double seconds, int seed, long origin, CancellationToken ct)
    {
        var outcomes = new List<RequestOutcome>(Math.Min(count, 1 << 16));
        var sends = new List<double>();
        long deadline = origin + EndpointClient.Ticks(seconds);
        int issued = -1;
        bool timeUp = false;
        async Task Client()
        {
            while (!ct.IsCancellationRequested)
            {
                if (Stopwatch.GetTimestamp() >= deadline) { timeUp = true; return; }
                int i = Interlocked.Increment(ref issued);
                if (i >= count) return;
                var o = await Send(prompts.Make(i, seed), ct).ConfigureAwait(false);
                lock (outcomes) { outcomes.Add(o); sends.Add(Seconds(o.SendTicks - origin)); }
            }
        }
        try { await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client, CancellationToken.None))).ConfigureAwait(false); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        return (outcomes, sends, timeUp && outcomes.Count < count ? "time" : "count");
    }

    private async Task<(List<RequestOutcome>, List<double>, string)> OpenAsync(LevelSpec spec, int levelIndex, long origin, CancellationToken ct)
    {
        int seed = settings.Seed + levelIndex;
        var at = Arrivals.Offsets(spec.Arrival, spec.Rate!.Value, settings.RequestsPerLevel, seed);
        var outcomes = new List<RequestOutcome>(at.Length);
        var sends = new List<double>(at.Length);
        var tasks = new List<Task>(at.Length);
        using var cap = spec.Concurrency is { } c ? new SemaphoreSlim(c, c) : null;
        string stoppedBy = "count";
        try
        {
            for (int i = 0; i < at.Length && !ct.IsCancellationRequested; i++)
            {
                if (at[i] >= settings.DurationSeconds) { stoppedBy = "time"; break; }
                await WaitUntil(origin + EndpointClient.Ticks(at[i]), ct).ConfigureAwait(false);
                if (cap is not null) await cap.WaitAsync(ct).ConfigureAwait(false);
                int k = i;
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        var o = await Send(prompts.Make(k, seed), ct).ConfigureAwait(false);
                        lock (outcomes)
                        {
                            outcomes.Add(o);
                            sends.Add(Seconds(o.SendTicks - origin));
                            _lateness.Add((at[k], Seconds(o.SendTicks - origin) - at[k]));
                        }
                    }
                    finally { cap?.Release(); }
                }, CancellationToken.None));
            }
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            try { await Task.WhenAll(tasks).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        return (outcomes, sends, stoppedBy);
    }

    /// <summary>Sleeps until about 1 ms before the tick, then spins to it (timer resolution is about 1 ms).</summary>
    private static async Task WaitUntil(long ticks, CancellationToken ct)
    {
        long left = ticks - Stopwatch.GetTimestamp();
        double ms = left * 1000.0 / Stopwatch.Frequency;
        if (ms > 2) await Task.Delay(TimeSpan.FromMilliseconds(ms - 1.5), ct).ConfigureAwait(false);
        var spin = new SpinWait();
        while (Stopwatch.GetTimestamp() < ticks) { ct.ThrowIfCancellationRequested(); spin.SpinOnce(sleep1Threshold: -1); }
    }

    private async Task<RequestOutcome> Send(LoadRequest r, CancellationToken ct)
    {
        int now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
        try
        {
            var o = await client.SendAsync(r, form, ct).ConfigureAwait(false);
            o.Asked = r;
            return o;
        }
        finally { Interlocked.Decrement(ref _inFlight); }
    }

    internal static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    /// <summary>A request as result.json keeps it: offsets and latencies in seconds from its ticks, vLLM's definitions.</summary>
    internal static LoadRequestSample Sample(RequestOutcome o, long origin, Slo? slo)
    {
        var ticks = o.ChunkTicks;
        var itl = new double[Math.Max(0, ticks.Count - 1)];
        for (int i = 1; i < ticks.Count; i++) itl[i - 1] = Seconds(ticks[i] - ticks[i - 1]);
        var s = new LoadRequestSample
        {
            StartOffset = Seconds(o.SendTicks - origin),
            AskedInputTokens = o.Asked?.InputTokens ?? 0,
            AskedOutputTokens = o.Asked?.OutputTokens ?? 0,
            Error = o.Error,
            ErrorDetail = o.ErrorDetail,
            TtftSeconds = ticks.Count > 0 ? Seconds(ticks[0] - o.SendTicks) : null,
            E2eSeconds = ticks.Count > 0 ? Seconds(ticks[^1] - o.SendTicks) : null,
            ItlSeconds = itl,
            InputTokens = o.PromptTokens,
            OutputTokens = o.CompletionTokens,
            Chunks = ticks.Count,
        };
        if (s.Ok && ticks.Count == 0)
            s = s with { Error = LoadErrorKind.MalformedStream, ErrorDetail = "the stream finished without a token chunk" };
        return slo is null || !s.Ok ? s : s with { MetSlo = Goodput.Meets(s, slo) };
    }
}
