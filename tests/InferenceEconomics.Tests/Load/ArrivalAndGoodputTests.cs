using InferenceEconomics.Economics;
using InferenceEconomics.Load;
using InferenceEconomics.Metrics;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Load;

public class ArrivalAndGoodputTests
{
    /// <summary>Kolmogorov–Smirnov statistic of the sample against a continuous CDF.</summary>
    private static double Ks(IReadOnlyList<double> sample, Func<double, double> cdf)
    {
        var x = sample.Order().ToArray();
        int n = x.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(x[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        return d;
    }

    private static double[] Gaps(double[] t) => t.Zip(t.Skip(1), (a, b) => b - a).ToArray();

    // Critical values of the one-sample KS test for large n: 1.358/sqrt(n) at alpha 0.05, 1.628/sqrt(n) at 0.01.
    private static double Critical(int n, double c = 1.358) => c / Math.Sqrt(n);

    [Fact]
    public void Poisson_gaps_pass_a_ks_test_against_the_exponential_and_constant_gaps_do_not()
    {
        const double rate = 4;
        var gaps = Gaps(Arrivals.Offsets(ArrivalKind.Poisson, rate, 2001, seed: 42));
        double Exp(double x) => 1 - Math.Exp(-rate * x);
        Assert.True(Ks(gaps, Exp) < Critical(gaps.Length), $"D = {Ks(gaps, Exp)}");
        Assert.InRange(gaps.Average(), 0.25 - 3 * 0.25 / Math.Sqrt(2000), 0.25 + 3 * 0.25 / Math.Sqrt(2000)); // mean gap 1/lambda within 3 sd of the mean
        // The test has power: constant gaps of the same mean are rejected (D = 1 - e^-1 = 0.63).
        var constant = Gaps(Arrivals.Offsets(ArrivalKind.Constant, rate, 2001, 42));
        Assert.True(Ks(constant, Exp) > 0.6);
        Assert.All(constant, g => Assert.Equal(0.25, g, 12));
        // Seeded: the same seed gives the same arrivals, another seed others.
        Assert.Equal(Arrivals.Offsets(ArrivalKind.Poisson, rate, 50, 7), Arrivals.Offsets(ArrivalKind.Poisson, rate, 50, 7));
        Assert.NotEqual(Arrivals.Offsets(ArrivalKind.Poisson, rate, 50, 7), Arrivals.Offsets(ArrivalKind.Poisson, rate, 50, 8));
    }

    [Fact]
    public async Task An_open_loop_sends_at_the_asked_times()
    {
        await using var server = new ScriptedSseServer();
        const double rate = 40;
        var s = new LoadSettings
        {
            Endpoint = server.Url, WarmupRequests = 0, RequestsPerLevel = 150, Rates = [rate], Seed = 3,
            InputTokens = LengthRange.Fixed(4), OutputTokens = LengthRange.Fixed(2),
        };
        using var client = new EndpointClient(s, "scripted-model", null);
        var runner = new LoadRunner(client, new RequestForm(LoadApi.Completions, true, true), s, new Prompts(s), null);
        var run = await runner.RunAsync(LevelSpec.Open(rate, ArrivalKind.Poisson, null), 0, CancellationToken.None);
        Assert.Equal(150, run.Level.Completed);
        // The arrivals this run planned (seed 3 + level 0) pass the KS test for the exponential at alpha 0.05 ...
        Assert.Equal(Arrivals.Offsets(ArrivalKind.Poisson, rate, 150, 3), run.Planned);
        var gaps = Gaps(run.Planned.ToArray());
        double d = Ks(gaps, x => 1 - Math.Exp(-rate * x));
        Assert.True(d < Critical(gaps.Length), $"D = {d}, critical {Critical(gaps.Length)}");
        // ... and no request left before its planned time; how late they left is recorded (a busy machine sends late;
        // the benchmark, not this test, measures by how much).
        var sends = run.Level.Requests.Select(r => r.StartOffset).Order().ToArray();
        Assert.All(sends.Zip(run.Planned), p => Assert.True(p.First >= p.Second - 1e-9, $"sent at {p.First}, planned {p.Second}"));
        Assert.NotNull(run.Level.SendLatenessP99Seconds);
        Assert.True(run.Level.SendLatenessP99Seconds >= run.Level.SendLatenessP50Seconds);
        Assert.Equal(LoadShape.Open, run.Level.Shape);
        Assert.Equal("count", run.Level.StoppedBy);
    }

    [Fact]
    public async Task A_level_stops_by_time_before_its_count()
    {
        await using var server = new ScriptedSseServer { Script = (_, _) => new ServerScript { TokenGap = TimeSpan.FromMilliseconds(50) } };
        var s = new LoadSettings
        {
            Endpoint = server.Url, WarmupRequests = 0, RequestsPerLevel = 1000, DurationSeconds = 0.3,
            InputTokens = LengthRange.Fixed(4), OutputTokens = LengthRange.Fixed(3),
        };
        using var client = new EndpointClient(s, "scripted-model", null);
        var run = await new LoadRunner(client, new RequestForm(LoadApi.Completions, true, true), s, new Prompts(s), null)
            .RunAsync(LevelSpec.Closed(2), 0, CancellationToken.None);
        Assert.Equal("time", run.Level.StoppedBy);
        Assert.InRange(run.Level.Requests.Count, 2, 999);
    }

    private static LoadRequestSample Req(double ttft, double e2e, int output, LoadErrorKind? error = null, int input = 100) => new()
    {
        StartOffset = 0, AskedInputTokens = input, AskedOutputTokens = output, TtftSeconds = error is null ? ttft : null, E2eSeconds = error is null ? e2e : null,
        InputTokens = error is null ? input : null, OutputTokens = error is null ? output : null, Chunks = error is null ? output : 0, Error = error,
        ItlSeconds = error is null ? Enumerable.Repeat((e2e - ttft) / (output - 1), output - 1).ToList() : [],
    };

    [Fact]
    public void Goodput_worked_by_hand()
    {
        var slo = Slo.Parse("ttft<=100ms,tpot<=20ms");
        // r1: ttft 50 ms, tpot (0.230 - 0.050)/9 = 20 ms -> meets both (at the limit);
        // r2: ttft 150 ms -> violates ttft;  r3: ttft 80 ms, tpot (0.305-0.080)/9 = 25 ms -> violates tpot;
        // r4: 20 tokens, ttft 10 ms, tpot (0.200 - 0.010)/19 = 10 ms -> meets;  r5: failed (429) -> not counted.
        var requests = new[] { Req(0.050, 0.230, 10), Req(0.150, 0.240, 10), Req(0.080, 0.305, 10), Req(0.010, 0.200, 20), Req(0, 0, 10, LoadErrorKind.Http429) };
        var marked = requests.Select(r => LoadRunner.Sample(ToOutcome(r), 0, slo)).ToList();
        Assert.Equal([true, false, false, true, null], marked.Select(r => r.MetSlo));
        var level = new LoadLevel
        {
            Shape = LoadShape.Closed, Concurrency = 2, DurationSeconds = 2.0, WarmupRequests = 0, StoppedBy = "count", Slo = slo.ToString(),
            Requests = requests.Zip(marked, (r, m) => r with { MetSlo = m.MetSlo }).ToList(),
        };
        var s = LoadOrchestrator.Scenario(LevelSpec.Closed(2), level, new LoadSettings());
        Assert.Equal(2 / 2.0, MetricCatalog.GoodputRps.Value(s, Stat.Value));            // r1, r4 over 2 s
        Assert.Equal(4 / 2.0, MetricCatalog.RequestThroughput.Value(s, Stat.Value));      // four finished
        Assert.Equal((10 + 10 + 10 + 20) / 2.0, MetricCatalog.ServedOutputTps.Value(s, Stat.Value));
        Assert.Equal((4 * 100 + 50) / 2.0, MetricCatalog.ServedTotalTps.Value(s, Stat.Value));
        Assert.Equal(1 / 5.0, MetricCatalog.ErrorFraction.Value(s, Stat.Value));
        // TTFT median of the finished four: (50 + 80) / 2 = 65 ms; TPOT values 20, 10 (r2: 90/9), 25, 10 (r4: 190/19) ms -> median (10 + 20) / 2 = 15 ms.
        Assert.Equal(0.065, MetricCatalog.Ttft.Value(s, Stat.Median)!.Value, 6); // ticks are whole nanoseconds
        Assert.Equal(0.015, MetricCatalog.Tpot.Value(s, Stat.Median)!.Value, 6);
    }

    /// <summary>A request's outcome as the client would have recorded it, ticks from seconds (origin 0).</summary>
    private static RequestOutcome ToOutcome(LoadRequestSample r)
    {
        long T(double sec) => (long)Math.Round(sec * System.Diagnostics.Stopwatch.Frequency);
        var o = new RequestOutcome { SendTicks = 0, Error = r.Error, PromptTokens = r.InputTokens, CompletionTokens = r.OutputTokens, Asked = new LoadRequest(r.AskedInputTokens, r.AskedOutputTokens, null, null) };
        if (r.Ok)
        {
            double at = r.TtftSeconds!.Value;
            o.ChunkTicks.Add(T(at));
            foreach (var g in r.ItlSeconds) { at += g; o.ChunkTicks.Add(T(at)); }
        }
        return o;
    }
}
