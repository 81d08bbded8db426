using System.Diagnostics;
using System.Globalization;
using InferenceEconomics.Load;
using InferenceEconomics.Metrics;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Benchmarks;

/// <summary>
/// Is the load client ever the bottleneck? A closed loop of STREAMS clients against the scripted loopback server
/// (same process, same Stopwatch clock), each stream TOKENS chunks GAP ms apart, for SECONDS: sustained concurrent
/// streams, chunks/s received, and every chunk's receive time against the server's send time (the timestamp error;
/// it includes the server's own write and the loopback, so it bounds the client's error from above). Also prints the
/// process CPU time per chunk, which is what limits it on a small machine.
/// </summary>
public static class LoadClientBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Run(int streams, int gapMs, int tokens, int seconds)
    {
        Console.WriteLine($"load-client: {streams} concurrent streams x {tokens} chunks {gapMs} ms apart, {seconds} s, {Environment.ProcessorCount} logical cores");
        RunAsync(streams, gapMs, tokens, seconds).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(int streams, int gapMs, int tokens, int seconds)
    {
        await using var server = new ScriptedSseServer
        {
            Script = (_, _) => new ServerScript { TokenGap = TimeSpan.FromMilliseconds(gapMs), SendUsage = true },
        };
        var s = new LoadSettings
        {
            Endpoint = server.Url, WarmupRequests = 0, RequestsPerLevel = 10_000_000, DurationSeconds = seconds,
            InputTokens = LengthRange.Fixed(16), OutputTokens = LengthRange.Fixed(tokens), FirstTokenTimeoutSeconds = 120, IdleTimeoutSeconds = 120,
        };
        using var client = new EndpointClient(s, "scripted-model", null);
        var runner = new LoadRunner(client, new RequestForm(LoadApi.Completions, true, true), s, new Prompts(s), null);
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        long gc0 = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
        var run = await runner.RunAsync(LevelSpec.Closed(streams), 0, CancellationToken.None);
        proc.Refresh();
        var cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
        long gcs = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gc0;

        // Match each request to the server's record by its (seeded, random) prompt ids; pair chunk i with send i.
        var byPrompt = new Dictionary<string, ServedRequest>();
        foreach (var x in server.Served)
            byPrompt.TryAdd(string.Join(',', x.Body.GetProperty("prompt").EnumerateArray().Take(16).Select(e => e.GetInt32())), x);
        var errors = new List<double>();
        long chunks = 0;
        foreach (var o in run.Outcomes)
        {
            chunks += o.ChunkTicks.Count;
            if (o.Asked?.PromptIds is not { } ids || !byPrompt.TryGetValue(string.Join(',', ids.Take(16)), out var mine)) continue;
            for (int i = 0; i < Math.Min(mine.SendTicks.Count, o.ChunkTicks.Count); i++)
                errors.Add((o.ChunkTicks[i] - mine.SendTicks[i]) * 1000.0 / Stopwatch.Frequency);
        }
        var l = run.Level;
        var sorted = errors.Order().ToArray();
        Console.WriteLine($"requests: {l.Requests.Count} sent, {l.Completed} ok, {l.Failed} failed ({LoadOrchestrator.ErrorsText(l)})");
        Console.WriteLine($"window: {l.DurationSeconds.ToString("0.00", Inv)} s; peak concurrent streams: {l.PeakInFlight}");
        Console.WriteLine($"chunks received: {chunks} = {(chunks / l.DurationSeconds).ToString("0", Inv)} chunks/s; server wrote {server.TokenEvents}");
        if (sorted.Length > 0)
            Console.WriteLine($"timestamp error (client receive - server send), ms: p50 {Statistics.Percentile(sorted, 0.5).ToString("0.###", Inv)}, " +
                              $"p90 {Statistics.Percentile(sorted, 0.9).ToString("0.###", Inv)}, p99 {Statistics.Percentile(sorted, 0.99).ToString("0.###", Inv)}, " +
                              $"max {sorted[^1].ToString("0.###", Inv)} over {sorted.Length} chunks");
        Console.WriteLine($"process CPU: {cpu.ToString("0.0", Inv)} s = {(cpu / l.DurationSeconds / Environment.ProcessorCount * 100).ToString("0", Inv)}% of {Environment.ProcessorCount} cores " +
                          $"({(cpu / Math.Max(1, chunks) * 1e6).ToString("0.0", Inv)} µs per chunk, client and server together); GCs: {gcs}");
    }
}
